/**
 * How long an action lasts in the data skelnorm trains on: NTU RGB+D's recordings and the synthetic
 * set's actions take about 3 s (the synthetic median is 90 frames at 30 fps).
 */
export const ACTION_SECONDS = 3;

/**
 * The frame rate at which a model trained by `skelnorm train` sees time. Every training sample is a
 * whole recording resampled to T frames (as are `uniform` and `crop-resize` clips, over the whole
 * or most of it), so a model frame spans `ACTION_SECONDS / T` seconds, not NTU's 1/30 s: a live
 * window must cover the same few seconds, e.g. `new SkeletonRing({ frames: T, fps: trainedFrameRate(T) })`.
 */
export function trainedFrameRate(frames: number, actionSeconds: number = ACTION_SECONDS): number {
  if (!(frames > 0 && actionSeconds > 0)) throw new RangeError(`trainedFrameRate: frames and actionSeconds must be positive, got ${frames} and ${actionSeconds}`);
  return frames / actionSeconds;
}
