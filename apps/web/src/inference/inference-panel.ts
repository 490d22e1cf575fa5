import { parseSampleName } from '@skelnorm/data';
import type { SkeletonModel } from '@skelnorm/models';
import type { ViewerPanel } from '../viewer/viewer-panel.js';
import { loadCheckpointFiles, type LoadedCheckpoint } from './checkpoint-files.js';
import { classScoreItem } from './class-score-item.js';
import { classifySample, prepareSample } from './classify-sample.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** A model the panel can run: a loaded checkpoint or a model trained in the page. */
export interface InferenceModel {
  readonly model: SkeletonModel;
  readonly description: string;
  readonly frames: number;
  readonly persons: number;
  /** Name of an output class: NTU's for NTU-trained models, the set's own for synthetic ones. */
  readonly className: (index: number) => string;
  /** The model's class index of an NTU action number (1-120), or undefined when it has none. */
  readonly classOfAction: (action: number) => number | undefined;
  /** Disposes the model when the panel lets go of it (not for models owned by the training panel). */
  readonly owned: boolean;
}

/** The model's class of a sample from the NTU action number in its name, if any. */
function trueClass(name: string, model: InferenceModel): number | undefined {
  try {
    return model.classOfAction(parseSampleName(name).action);
  } catch {
    return undefined;
  }
}

/**
 * The inference card: pick checkpoint files (or take the model trained in the page), run it on the
 * viewer's sample, list the top-5 classes with their NTU names.
 */
export class InferencePanel {
  private active: InferenceModel | undefined;
  private readonly status = byId<HTMLElement>('checkpoint-status');
  private readonly runButton = byId<HTMLButtonElement>('run-inference');
  private readonly listeners = new Set<(model: InferenceModel | undefined) => void>();

  constructor(private readonly viewer: ViewerPanel) {
    byId<HTMLInputElement>('checkpoint-input').addEventListener('change', (event) => {
      const input = event.target as HTMLInputElement;
      const files = [...(input.files ?? [])];
      input.value = '';
      if (files.length > 0) void this.loadFiles(files);
    });
    this.runButton.addEventListener('click', () => void this.classify());
    // A new sample on show: the old top-5 belonged to the old one.
    viewer.onShow(() => {
      this.clearResult();
      this.updateButtons();
    });
  }

  /** The model the panel would run (also what the doctor diagnoses). */
  get model(): InferenceModel | undefined {
    return this.active;
  }

  onModel(fn: (model: InferenceModel | undefined) => void): void {
    this.listeners.add(fn);
  }

  async loadFiles(files: readonly File[]): Promise<LoadedCheckpoint | undefined> {
    this.setStatus(`reading ${files.map((f) => f.name).join(', ')}…`);
    try {
      const loaded = await loadCheckpointFiles(files);
      this.use({ ...loaded, owned: true });
      this.setStatus(`loaded ${loaded.source}: ${loaded.description}`);
      return loaded;
    } catch (error) {
      const kept = this.active ? ` The model in use is still ${this.active.description}.` : ' No model is loaded.';
      this.setStatus(`${error instanceof Error ? error.message : String(error)}.${kept}`, true);
      return undefined;
    }
  }

  /** Makes `model` the one to run; disposes the previous one if the panel owned it. */
  use(model: InferenceModel): void {
    if (this.active?.owned && this.active.model !== model.model) this.active.model.dispose();
    this.active = model;
    this.clearResult();
    if (!model.owned) this.setStatus(`using ${model.description}`);
    this.updateButtons();
    for (const fn of this.listeners) fn(model);
  }

  /** Forgets `model` if it is the active one (its owner is about to dispose it). */
  release(model: SkeletonModel): void {
    if (this.active?.model !== model) return;
    this.active = undefined;
    this.setStatus('');
    this.updateButtons();
    for (const fn of this.listeners) fn(undefined);
  }

  /** Runs the active model on the viewer's sample and lists the top 5. */
  async classify(): Promise<void> {
    const active = this.active;
    const input = this.viewer.modelInput;
    if (active === undefined || input === undefined) return;
    this.runButton.disabled = true;
    try {
      const sample = prepareSample(input, active.frames, active.persons);
      const started = performance.now();
      const top = await classifySample(active.model, sample, 5);
      const truth = trueClass(sample.name, active);
      const ms = performance.now() - started;
      const list = byId('top5');
      list.replaceChildren(
        ...top.map((score) => {
          const li = classScoreItem(score, active.className(score.index));
          if (score.index === truth) li.classList.add('truth');
          return li;
        }),
      );
      const line = byId('true-class');
      line.textContent =
        truth === undefined
          ? 'true class: unknown (no NTU action number in the sample name, or not a class of this model)'
          : `true class: ${active.className(truth)}${top.some((t) => t.index === truth) ? '' : ' (not in the top 5)'}`;
      if (truth !== undefined) line.dataset['index'] = String(truth);
      this.setStatus(`${sample.name}: ${ms.toFixed(0)} ms with ${active.description}`);
    } catch (error) {
      this.setStatus(error instanceof Error ? error.message : String(error), true);
    } finally {
      this.updateButtons();
    }
  }

  private clearResult(): void {
    byId('top5').replaceChildren();
    const truth = byId('true-class');
    truth.textContent = '';
    delete truth.dataset['index'];
  }

  private updateButtons(): void {
    this.runButton.disabled = this.active === undefined || this.viewer.modelInput === undefined;
  }

  private setStatus(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }
}
