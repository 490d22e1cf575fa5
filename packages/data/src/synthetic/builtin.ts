import type { BodySelectionPolicy } from '../body-selection.js';
import { Dataset } from '../dataset.js';
import type { LayoutName } from '../layouts.js';
import { packSkeletonAs, skeletonFieldsFor } from '../pack-by-layout.js';
import type { PackTransformOptions } from '../pack-skeleton.js';
import type { SkeletonSample } from '../skeleton-sample.js';
import { splitOf, type NtuBenchmark } from '../splits.js';
import type { SyntheticClass } from './actions.js';
import { synthesizeNtu } from './synthesize.js';

/** Options of {@link builtinSyntheticNtu}. */
export interface BuiltinSyntheticNtuOptions {
  /** Classes, 1-30; default 12 (10 one-person, 2 two-person). */
  readonly classes?: number;
  /** Samples per class; default 48. */
  readonly perClass?: number;
  /** Seed of the generator; default 0. */
  readonly seed?: number;
  /** T, frames per packed sample; default 64 (the seed CNN's input). */
  readonly frames?: number;
  /** Split; default `'ntu60-xsub'` (performers 1-40, NTU-60's 20 training subjects). */
  readonly benchmark?: NtuBenchmark;
  /** Body selection; default `'energy'`. */
  readonly select?: BodySelectionPolicy;
  /** Preprocessing; default `{}` (trim, centre, align, resample). 2D layouts are not centred or aligned, only `time` applies. */
  readonly transform?: PackTransformOptions | false;
  /**
   * What the samples hold; default `'ntu25'` (camera-space x, y, z). `'ntu25-2d'`: the Kinect colour
   * coordinates with tracking confidence; `'coco17'`: what a 2D pose estimator would see of the same
   * 3D bodies (`packSkeleton2d`); `'ntu25-live'`: camera-space x, y, z with the joints that a pose
   * estimator lacks recomputed (`synthesizeLiveJoints`, inside `packSkeleton`, absent persons stay
   * zero). The performances are the same for every layout.
   */
  readonly layout?: LayoutName;
}

/** A ready train/test pair. */
export interface BuiltinSyntheticNtu {
  readonly classes: SyntheticClass[];
  /** Training samples, in generation order (shuffle them: `train.shuffle(seed)`). */
  readonly train: Dataset<SkeletonSample>;
  readonly test: Dataset<SkeletonSample>;
  readonly benchmark: NtuBenchmark;
}

/**
 * The built-in synthetic data set that `skelnorm train` uses when no `.skeleton` files are given:
 * {@link synthesizeNtu}, packed to `[2, T, 25, 3]` (`[2, T, 17, 3]` for `coco17`) and split by the benchmark (cross-subject by
 * default: the test performers never appear in training). Defaults: 12 classes x 48 samples, T = 64,
 * 576 samples (about 290 train / 290 test): a few minutes of CPU training.
 */
export function builtinSyntheticNtu(options: BuiltinSyntheticNtuOptions = {}): BuiltinSyntheticNtu {
  const { classes, train, test, benchmark } = syntheticNtuSplits(options);
  return { classes, train: Dataset.fromArray(train), test: Dataset.fromArray(test), benchmark };
}

/** {@link builtinSyntheticNtu} as plain arrays (synchronous): the one split of the synthetic set, for the CLI and the browser alike. */
export function syntheticNtuSplits(options: BuiltinSyntheticNtuOptions = {}): { classes: SyntheticClass[]; train: SkeletonSample[]; test: SkeletonSample[]; benchmark: NtuBenchmark } {
  const benchmark = options.benchmark ?? 'ntu60-xsub';
  const layout = options.layout ?? 'ntu25';
  const fields = skeletonFieldsFor(layout);
  const { classes, samples } = synthesizeNtu({ classes: options.classes, perClass: options.perClass, seed: options.seed, fields });
  const train: SkeletonSample[] = [];
  const test: SkeletonSample[] = [];
  for (const s of samples) {
    const part = splitOf(s.name, benchmark);
    if (part === null) continue;
    const packed = packSkeletonAs(s.file, { frames: options.frames ?? 64, select: options.select ?? 'energy', label: s.label, layout, transform: options.transform ?? {} });
    (part === 'train' ? train : test).push(packed);
  }
  return { classes, train, test, benchmark };
}
