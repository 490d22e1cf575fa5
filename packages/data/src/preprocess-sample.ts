import { layouts, type LayoutName } from './layouts.js';
import { synthesizeLiveSample } from './live-joints.js';
import type { PackTransformOptions } from './pack-skeleton.js';
import type { SkeletonSample } from './skeleton-sample.js';
import { alignView, centreOnJoint } from './spatial-transforms.js';
import { fitFrames, resampleFrames, trimEmptyFrames } from './temporal-transforms.js';

/** Options of {@link preprocessSample}. */
export interface PreprocessSampleOptions {
  /** T, frames of the result. */
  readonly frames: number;
  /** What `sample` holds; default `'ntu25'`. Decides which steps apply (see {@link preprocessSample}). */
  readonly layout?: LayoutName;
  /** The steps; default `{}` (all). `false`: raw coordinates cropped or zero-padded to T (`ntu25-live` still synthesised). */
  readonly transform?: PackTransformOptions | false;
}

/**
 * The deterministic preprocessing of packed samples, the one place that both the `.skeleton` packers
 * and live input (`@skelnorm/pose`'s ring) run, so a live window is prepared exactly as training data:
 * 1. `ntu25-live`: `synthesizeLiveSample` first, because centring (spine mid) and view alignment
 *    (spine base -> spine mid) read synthesised joints, and live skeletons have only those;
 * 2. trim frames without any person;
 * 3. 3D layouts (`ntu25`, `ntu25-live`): centre on spine mid, align the view (2D layouts are image-
 *    normalized instead, so these are skipped);
 * 4. reach T: `'resample'` (linear over the valid frames) or `'fit'` (crop/pad).
 *
 * Shape `[M, T_in, V, C]` -> `[M, T, V, C]`.
 */
export function preprocessSample(sample: SkeletonSample, options: PreprocessSampleOptions): SkeletonSample {
  const layout = options.layout ?? 'ntu25';
  const frames = options.frames;
  let out = layout === 'ntu25-live' ? synthesizeLiveSample(sample) : sample;
  const transform = options.transform ?? {};
  if (transform === false) return fitFrames(out, frames);
  if (transform.trimEmptyFrames ?? true) out = trimEmptyFrames(out);
  if (layouts[layout].dimensions === 3) {
    if (transform.centre !== false) out = centreOnJoint(out, transform.centre ?? {});
    if (transform.align !== false) out = alignView(out, transform.align ?? {});
  }
  return (transform.time ?? 'resample') === 'resample' ? resampleFrames(out, frames) : fitFrames(out, frames);
}
