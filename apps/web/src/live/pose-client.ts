import type { PoseFrameRequest, PoseInitRequest, PoseReady, PoseResponse, PoseResult } from './pose-protocol.js';

/** Where the app serves the BlazePose graph models (`scripts/fetch-pose-weights.mjs` puts them in public/). */
export const POSE_MODEL_FOLDER = 'models/pose/';

/** The detector and landmark model URLs, absolute, resolved against the page (any sub-folder works). */
export function poseModelUrls(base: string): Pick<PoseInitRequest, 'detectorModelUrl' | 'landmarkModelUrl'> {
  return {
    detectorModelUrl: new URL(`${POSE_MODEL_FOLDER}blazepose-detector.json`, base).href,
    landmarkModelUrl: new URL(`${POSE_MODEL_FOLDER}blazepose-lite.json`, base).href,
  };
}

/**
 * The main thread's side of the pose worker: starts it, loads BlazePose, and estimates one frame
 * at a time (a caller that finds it {@link busy} drops the frame rather than queueing it, so
 * the screen shows the newest pose, never a backlog).
 */
export class PoseClient {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: PoseResult) => void; reject: (e: Error) => void }>();
  private readyState: Promise<PoseReady> | undefined;
  private fatal: Error | undefined;

  constructor() {
    this.worker = new Worker(new URL('./pose-worker.ts', import.meta.url), { type: 'module', name: 'skelnorm-pose' });
    this.worker.onmessage = (event: MessageEvent<PoseResponse>) => this.receive(event.data);
    this.worker.onerror = (event) => this.failAll(new Error(`the pose worker failed: ${event.message || 'could not start it'}`));
  }

  /** Loads the models (once); resolves with the worker's backend. */
  init(base: string = document.baseURI, redetectEvery = 15): Promise<PoseReady> {
    this.readyState ??= new Promise<PoseReady>((resolve, reject) => {
      this.pending.set(-1, { resolve: resolve as unknown as (r: PoseResult) => void, reject });
      const request: PoseInitRequest = { type: 'init', ...poseModelUrls(base), redetectEvery };
      this.worker.postMessage(request);
    });
    return this.readyState;
  }

  /** True while a frame is being estimated. */
  get busy(): boolean {
    return [...this.pending.keys()].some((id) => id >= 0);
  }

  /** Estimates the pose in `image` (its pixel buffer is transferred: the caller must not reuse it). */
  estimate(image: ImageData, timestampMs: number, reset = false): Promise<PoseResult> {
    if (this.fatal !== undefined) return Promise.reject(this.fatal);
    const id = this.nextId++;
    return new Promise<PoseResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: PoseFrameRequest = { type: 'frame', id, timestampMs, image, reset };
      this.worker.postMessage(request, [image.data.buffer]);
    });
  }

  dispose(): void {
    this.failAll(new Error('the pose worker was stopped'));
    this.worker.terminate();
  }

  private receive(message: PoseResponse): void {
    const id = message.type === 'ready' ? -1 : (message.id ?? -1);
    const waiter = this.pending.get(id);
    if (waiter === undefined) return;
    this.pending.delete(id);
    if (message.type === 'error') {
      const error = new Error(message.message);
      waiter.reject(error);
      // A failed init leaves nothing to run frames on.
      if (id === -1) this.failAll(error);
    } else {
      (waiter.resolve as (r: PoseResponse) => void)(message);
    }
  }

  private failAll(error: Error): void {
    this.fatal ??= error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
