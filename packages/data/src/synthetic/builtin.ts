import type { BodySelectionPolicy } from '../body-selection.js';
import { Dataset } from '../dataset.js';
import { packSkeleton, type PackTransformOptions } from '../pack-skeleton.js';
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
  /** Preprocessing; default `{}` (trim, centre, align, resample). */
  readonly transform?: PackTransformOptions | false;
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
 * {@link synthesizeNtu}, packed to `[2, T, 25, 3]` and split by the benchmark (cross-subject by
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
  const { classes, samples } = synthesizeNtu({ classes: options.classes, perClass: options.perClass, seed: options.seed });
  const train: SkeletonSample[] = [];
  const test: SkeletonSample[] = [];
  for (const s of samples) {
    const part = splitOf(s.name, benchmark);
    if (part === null) continue;
    const packed = packSkeleton(s.file, { frames: options.frames ?? 64, select: options.select ?? 'energy', transform: options.transform ?? {}, label: s.label });
    (part === 'train' ? train : test).push(packed);
  }
  return { classes, train, test, benchmark };
}
