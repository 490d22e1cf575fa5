/**
 * One landmark as `@tensorflow-models/pose-detection` returns it: `keypoints` are image pixels (x to
 * the right, y down), `keypoints3D` are metres (BlazePose: origin mid-hip, y down). Structural, so the
 * estimator's own objects are accepted as they are, without that package as a dependency.
 */
export interface Keypoint {
  readonly x: number;
  readonly y: number;
  readonly z?: number;
  /** Confidence 0..1; a missing score counts as 1 (the estimator gave the point without one). */
  readonly score?: number;
  readonly name?: string;
}

/** The score of a keypoint, 1 where the estimator gave none. */
export const scoreOf = (p: Keypoint): number => p.score ?? 1;
