/// <reference lib="webworker" />
/**
 * The pose estimator in a module Worker: BlazePose lite (`@tensorflow-models/pose-detection`, tfjs
 * runtime) on the wasm backend of the worker's own tfjs instance, so pose estimation neither
 * blocks the page nor competes with the classifier's backend. Frames arrive as ImageData (a
 * <video> cannot be posted to a worker); keypoints go back as transferred Float32Arrays.
 */
import { setupBackend } from '@skelnorm/backends';
import * as poseDetection from '@tensorflow-models/pose-detection';
import { disableWasmThreads, wasmBinaryUrls } from '../wasm-binaries.js';
import { KEYPOINT_STRIDE, type DetectionBox, type PoseRequest, type PoseResponse } from './pose-protocol.js';

declare const self: DedicatedWorkerGlobalScope;

/** The part of BlazePose's detection record that the worker reads. */
interface BlazeDetection {
  readonly score: readonly number[];
  readonly locationData: { readonly relativeBoundingBox: { readonly xMin: number; readonly yMin: number; readonly width: number; readonly height: number } };
}

/**
 * The private members of pose-detection 2.1.3's BlazePoseTfjsDetector that person counting uses.
 * `estimatePoses` refuses `maxPoses > 1` and keeps only the detector's best box, so the worker
 * wraps `detectPose` to let non-max suppression keep up to {@link MAX_COUNTED} boxes, sorts them
 * by score (the first is what BlazePose then tracks) and records them. Pinned to 2.1.3; if the
 * members are missing the count is simply unknown.
 */
interface BlazeInternals {
  maxPoses?: number;
  detectPose?: (image: unknown) => Promise<BlazeDetection[]>;
}

const MAX_COUNTED = 4;

let detector: poseDetection.PoseDetector | undefined;
let lastDetections: DetectionBox[] | undefined;
let redetectEvery = 15;
let framesSinceDetection = 0;

function post(message: PoseResponse, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function countPersons(target: poseDetection.PoseDetector): void {
  const internals = target as unknown as BlazeInternals;
  const detectPose = internals.detectPose;
  if (typeof detectPose !== 'function') return;
  internals.detectPose = async (image: unknown) => {
    internals.maxPoses = MAX_COUNTED;
    let found: BlazeDetection[];
    try {
      found = await detectPose.call(target, image);
    } finally {
      internals.maxPoses = 1;
    }
    found = [...found].sort((a, b) => Math.max(...b.score) - Math.max(...a.score));
    lastDetections = found.map(({ score, locationData: { relativeBoundingBox: box } }) => ({
      xMin: box.xMin,
      yMin: box.yMin,
      width: box.width,
      height: box.height,
      score: Math.max(...score),
    }));
    return found;
  };
}

async function init(request: Extract<PoseRequest, { type: 'init' }>): Promise<void> {
  const started = performance.now();
  await disableWasmThreads();
  const choice = await setupBackend({ prefer: 'wasm', wasmPaths: wasmBinaryUrls });
  redetectEvery = request.redetectEvery;
  detector = await poseDetection.createDetector(poseDetection.SupportedModels.BlazePose, {
    runtime: 'tfjs',
    modelType: 'lite',
    enableSmoothing: true,
    detectorModelUrl: request.detectorModelUrl,
    landmarkModelUrl: request.landmarkModelUrl,
  });
  countPersons(detector);
  post({ type: 'ready', backend: choice.name, reason: choice.reason, loadMs: performance.now() - started });
}

function flatten(keypoints: readonly poseDetection.Keypoint[] | undefined): Float32Array | undefined {
  if (keypoints === undefined) return undefined;
  const out = new Float32Array(keypoints.length * KEYPOINT_STRIDE);
  keypoints.forEach((k, i) => out.set([k.x, k.y, k.z ?? 0, k.score ?? 0], i * KEYPOINT_STRIDE));
  return out;
}

async function estimate(request: Extract<PoseRequest, { type: 'frame' }>): Promise<void> {
  if (detector === undefined) throw new Error('the pose worker got a frame before init');
  // BlazePose tracks the region of its last landmarks and runs the detector only when it loses the
  // person; a reset every `redetectEvery` frames keeps the person count current.
  if (request.reset === true || ++framesSinceDetection >= redetectEvery) {
    detector.reset();
    framesSinceDetection = 0;
  }
  lastDetections = undefined;
  const started = performance.now();
  const poses = await detector.estimatePoses(request.image, { maxPoses: 1, flipHorizontal: false }, request.timestampMs);
  const ms = performance.now() - started;
  if (lastDetections !== undefined) framesSinceDetection = 0;
  const pose = poses[0];
  const keypoints = flatten(pose?.keypoints);
  const world = flatten(pose?.keypoints3D);
  post(
    {
      type: 'pose',
      id: request.id,
      width: request.image.width,
      height: request.image.height,
      ms,
      ...(lastDetections === undefined ? {} : { detections: lastDetections }),
      ...(keypoints === undefined ? {} : { keypoints }),
      ...(world === undefined ? {} : { world }),
      ...(pose?.score === undefined ? {} : { score: pose.score }),
    },
    [keypoints?.buffer, world?.buffer].filter((b): b is ArrayBuffer => b !== undefined),
  );
}

self.onmessage = (event: MessageEvent<PoseRequest>) => {
  const request = event.data;
  const work = request.type === 'init' ? init(request) : estimate(request);
  work.catch((error: unknown) => {
    post({ type: 'error', ...(request.type === 'frame' ? { id: request.id } : {}), message: error instanceof Error ? error.message : String(error) });
  });
};
