import { describeAction, parseSampleName, parseSkeleton, sampleShape, selectBodies, type SkeletonFile, type SkeletonSample } from '@skelnorm/data';
import type { ModelInput } from '../inference/classify-sample.js';
import { acceptFiles } from './file-drop.js';
import { describeSkeletonFile, type Fact } from './skeleton-facts.js';
import { sequenceFromPacked, sequenceFromSkeletonFile } from './skeleton-sequence.js';
import { SkeletonViewer } from './skeleton-viewer.js';

/** A file the user gave the page, parsed, or the error that parsing it raised. */
export interface LoadedSkeleton {
  readonly name: string;
  readonly file?: SkeletonFile;
  readonly error?: string;
}

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html lacks #${id}`);
  return el as T;
};

/**
 * The viewer card: file pick/drop, the list of loaded files, the animated skeleton, the file's
 * facts and problems. Other panels read the file on show through {@link current}.
 */
export class ViewerPanel {
  readonly viewer: SkeletonViewer;
  private readonly loaded: LoadedSkeleton[] = [];
  private shown: LoadedSkeleton | undefined;
  private input: ModelInput | undefined;
  private readonly listeners = new Set<(shown: LoadedSkeleton | undefined) => void>();
  private readonly fileSelect = byId<HTMLSelectElement>('loaded-files');

  constructor() {
    this.viewer = new SkeletonViewer({
      canvas: byId('viewer-canvas'),
      playButton: byId('play-button'),
      frameSlider: byId('frame-slider'),
      frameLabel: byId('frame-label'),
      yawSlider: byId('yaw-slider'),
      pitchSlider: byId('pitch-slider'),
      legend: byId('person-legend'),
    });
    acceptFiles(byId('drop-zone'), byId('skeleton-input'), (files) => void this.addFiles(files));
    this.fileSelect.addEventListener('change', () => {
      const item = this.loaded[Number(this.fileSelect.value)];
      if (item !== undefined) this.show(item);
    });
    this.viewer.showFrame(0);
  }

  /** The file on show (undefined before any, or while a packed sample is shown). */
  get current(): LoadedSkeleton | undefined {
    return this.shown;
  }

  /** Every file loaded and parsed so far (for the doctor's "viewer files" data). */
  get files(): SkeletonFile[] {
    return this.loaded.flatMap((item) => (item.file === undefined ? [] : [item.file]));
  }

  /** What the inference panel runs a model on: the file or sample on show. */
  get modelInput(): ModelInput | undefined {
    return this.input;
  }

  onShow(fn: (shown: LoadedSkeleton | undefined) => void): void {
    this.listeners.add(fn);
  }

  /** Parses files in the page (never uploads them) and shows the first. */
  async addFiles(files: readonly File[]): Promise<void> {
    const first = this.loaded.length;
    for (const file of files) {
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        this.loaded.push({ name: file.name, file: parseSkeleton(bytes, { name: file.name }) });
      } catch (error) {
        this.loaded.push({ name: file.name, error: error instanceof Error ? error.message : String(error) });
      }
    }
    this.fileSelect.replaceChildren(
      ...this.loaded.map((item, i) => {
        const option = document.createElement('option');
        option.value = String(i);
        option.textContent = item.error === undefined ? item.name : `${item.name} (error)`;
        return option;
      }),
    );
    this.fileSelect.hidden = this.loaded.length < 2;
    const item = this.loaded[first];
    if (item !== undefined) {
      this.fileSelect.value = String(first);
      this.show(item);
    }
  }

  /**
   * Shows a packed sample (e.g. from the synthetic generator), centred and view-aligned by
   * `packSkeleton` (spine along z).
   */
  showSample(sample: SkeletonSample, origin: string, labelName: string): void {
    this.shown = undefined;
    this.input = { sample };
    this.viewer.load(sequenceFromPacked(sample.name, sample.data, sampleShape(sample), 'z'));
    const present = [...sample.personMask].filter((m) => m > 0).length;
    this.renderFacts(
      [
        ['name', sample.name],
        ['source', origin],
        ['label', labelName],
        ['frames', String(sample.frames)],
        ['persons', String(present)],
      ],
      [],
    );
    this.viewer.play();
    for (const fn of this.listeners) fn(undefined);
  }

  private show(item: LoadedSkeleton): void {
    this.shown = item;
    this.input = item.file === undefined ? undefined : { file: item.file };
    if (item.file === undefined) {
      this.viewer.clear();
      this.renderFacts([['name', item.name], ['status', 'could not be read']], [item.error ?? 'unknown error']);
    } else {
      const report = describeSkeletonFile(item.file);
      this.viewer.load(sequenceFromSkeletonFile(item.file));
      this.renderFacts([...report.facts, ...this.sampleFacts(item.file)], report.problems);
      this.viewer.play();
    }
    for (const fn of this.listeners) fn(item);
  }

  /** What the sample name says, and how many persons body selection keeps (as training would). */
  private sampleFacts(file: SkeletonFile): Fact[] {
    const facts: Fact[] = [];
    try {
      const parts = parseSampleName(file.name);
      facts.push(['action', describeAction(parts.action - 1)]);
      facts.push(['setup / camera', `${parts.setup} / ${parts.camera}`]);
      facts.push(['performer', String(parts.performer)]);
    } catch {
      // Not an NTU sample name: nothing to say about it.
    }
    const selected = selectBodies(file, { policy: 'denoise', maxPersons: 2 });
    facts.push(['persons', String(selected.persons.length)]);
    return facts;
  }

  private renderFacts(facts: readonly Fact[], problems: readonly string[]): void {
    const list = byId('file-facts');
    list.replaceChildren(
      ...facts.flatMap(([label, value]) => {
        const dt = document.createElement('dt');
        dt.textContent = label;
        const dd = document.createElement('dd');
        dd.textContent = value;
        dd.dataset['fact'] = label;
        return [dt, dd];
      }),
    );
    const problemList = byId('file-problems');
    if (problems.length === 0) {
      const li = document.createElement('li');
      li.className = 'ok';
      li.textContent = 'none found';
      problemList.replaceChildren(li);
    } else {
      problemList.replaceChildren(
        ...problems.map((p) => {
          const li = document.createElement('li');
          li.textContent = p;
          return li;
        }),
      );
    }
  }
}
