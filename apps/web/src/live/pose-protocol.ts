/**
 * Messages between the Live screen (main thread) and the pose worker. Keypoints travel as flat
 * Float32Arrays (transferred, not copied); the main thread turns them into `@skelnorm/pose`
 * keypoints, so the joint maps run in one place for Node and the browser alike.
 */

/** Floats per keypoint in {@link PoseResult}: x, y, z, score. */
export const KEYPOINT_STRIDE = 4;

/** A person box the BlazePose detector found, relative to the image (0-1). */
export interface DetectionBox {
  readonly xMin: number;
  readonly yMin: number;
  readonly width: number;
  readonly height: number;
  /** The detector's score (0-1). */
  readonly score: number;
}

export interface PoseInitRequest {
  readonly type: 'init';
  /** Absolute URLs of the tfjs graph models (served by the app, never a hub). */
  readonly detectorModelUrl: string;
  readonly landmarkModelUrl: string;
  /** Run the person detector again every this many frames even while tracking (to count persons). */
  readonly redetectEvery: number;
}

export interface PoseFrameRequest {
  readonly type: 'frame';
  readonly id: number;
  /** Capture time of the frame (ms): drives BlazePose's landmark smoothing. */
  readonly timestampMs: number;
  readonly image: ImageData;
  /** Forget the tracked region and the smoothing (the first frame of a new source). */
  readonly reset?: boolean;
}

export type PoseRequest = PoseInitRequest | PoseFrameRequest;

export interface PoseReady {
  readonly type: 'ready';
  /** The worker's tfjs backend and why (setupBackend's reason). */
  readonly backend: string;
  readonly reason: string;
  readonly loadMs: number;
}

export interface PoseResult {
  readonly type: 'pose';
  readonly id: number;
  readonly width: number;
  readonly height: number;
  /** Time spent in estimatePoses (ms), measured in the worker. */
  readonly ms: number;
  /**
   * Persons the detector found when it ran on this frame, highest score first (the first is the one
   * tracked); undefined on frames where BlazePose tracked the previous region without detecting.
   */
  readonly detections?: readonly DetectionBox[];
  /** 33 image keypoints (pixels; z relative to the hips, score = visibility) or none. */
  readonly keypoints?: Float32Array;
  /** 33 world keypoints (metres, origin mid-hip, y down) or none. */
  readonly world?: Float32Array;
  /** BlazePose's pose score. */
  readonly score?: number;
}

export interface PoseError {
  readonly type: 'error';
  /** The frame that failed, or undefined for a failed init. */
  readonly id?: number;
  readonly message: string;
}

export type PoseResponse = PoseReady | PoseResult | PoseError;
