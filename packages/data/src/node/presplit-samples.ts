import { personMaskOf, type SkeletonSample } from '../skeleton-sample.js';

/**
 * Samples whose train/test split comes with the files, as other projects publish their
 * preprocessed NTU data (ST-GCN's `train_*` / `val_*` file pairs, CTR-GCN's `.npz` with `x_train`
 * and `x_test`): the split is theirs, not recomputed from sample names.
 */
export interface PresplitSamples {
  /** `[M, T, V, C]` samples of the training split. */
  readonly train: SkeletonSample[];
  /** `[M, T, V, C]` samples of the test split (the same samples as `train` when one file was given). */
  readonly test: SkeletonSample[];
  /** Class count: the one-hot width where the format has one, else the highest label + 1. */
  readonly numClasses: number;
  /** One line naming the files and shapes, e.g. `ST-GCN train_data_joint.npy (40, 3, 300, 25, 2) + ...`. */
  readonly description: string;
  /** True when one file gave both splits (no held-out samples). */
  readonly sameSamplesForTrainAndTest: boolean;
}

/**
 * Frames up to the last one where any person has a non-zero coordinate: these formats pad every
 * sample with zero frames to the longest one (300), and the padding is not data. An all-zero sample
 * keeps T (nothing to trim against), as `packPersons` does.
 */
export function validFramesOf(data: Float32Array, persons: number, frames: number): number {
  const frameSize = data.length / (persons * frames);
  for (let t = frames - 1; t >= 0; t--) {
    for (let m = 0; m < persons; m++) {
      const start = (m * frames + t) * frameSize;
      for (let i = start; i < start + frameSize; i++) if (data[i] !== 0) return t + 1;
    }
  }
  return frames;
}

/** A sample from `[M, T, V, C]` data, with its person mask and valid frames derived from the data. */
export function sampleOf(name: string, label: number, data: Float32Array, shape: readonly [number, number, number, number]): SkeletonSample {
  const [persons, frames, joints, channels] = shape;
  return { name, label, data, persons, frames, joints, channels, validFrames: validFramesOf(data, persons, frames), personMask: personMaskOf(data, persons) };
}
