import { syntheticClasses, syntheticNtuSplits, type SkeletonSample } from '@skelnorm/data';

/**
 * The page's "small preset" of the seed CNN run: T = 32 frames (fc1 is 1536 -> 512 instead of
 * 3072 -> 512), 12 synthetic classes of which two are two-person actions (the mix that makes the
 * seed's shared BatchNorm blend a real and an all-zero person), Adam at 1e-3 as `skelnorm train`.
 */
export const SMALL_PRESET = Object.freeze({ frames: 32, classes: 12, perClass: 24, batchSize: 16, epochs: 4, lr: 1e-3 });

/** Options of {@link makeSyntheticSplits}; defaults from {@link SMALL_PRESET}, seed 0. */
export interface SyntheticSplitOptions {
  readonly classes?: number;
  readonly perClass?: number;
  readonly frames?: number;
  readonly seed?: number;
}

/** Packed synthetic samples split by performer as NTU-60 cross-subject splits real ones. */
export interface SyntheticSplits {
  readonly train: SkeletonSample[];
  readonly test: SkeletonSample[];
  readonly numClasses: number;
  readonly frames: number;
  /** Class names by 0-based label of this set (not NTU's label: the set uses a subset of actions). */
  readonly classNames: readonly string[];
  /** How to make the same set again (goes into checkpoints' run configuration). */
  readonly description: { readonly classes: number; readonly perClass: number; readonly seed: number };
}

/**
 * Generates the synthetic NTU set in the page (`synthesizeNtu` of @skelnorm/data), preprocesses each
 * sample as `skelnorm train` does (body selection, centring, view alignment, resampling to T) and
 * splits it cross-subject.
 */
export function makeSyntheticSplits(options: SyntheticSplitOptions = {}): SyntheticSplits {
  const classes = options.classes ?? SMALL_PRESET.classes;
  const perClass = options.perClass ?? SMALL_PRESET.perClass;
  const frames = options.frames ?? SMALL_PRESET.frames;
  const seed = options.seed ?? 0;
  // The same split as `skelnorm train` builds (one implementation in @skelnorm/data).
  const set = syntheticNtuSplits({ classes, perClass, seed, frames, benchmark: 'ntu60-xsub' });
  return {
    train: set.train,
    test: set.test,
    numClasses: classes,
    frames,
    classNames: set.classes.map((c) => `A${String(c.action).padStart(3, '0')} ${c.name}`),
    description: { classes, perClass, seed },
  };
}

/** A synthetic-set model's class index of an NTU action number (1-120), or undefined when the set has no such class. */
export function syntheticClassOfAction(classes: number): (action: number) => number | undefined {
  const actions = syntheticClasses(classes).map((c) => c.action);
  return (action) => {
    const index = actions.indexOf(action);
    return index >= 0 ? index : undefined;
  };
}
