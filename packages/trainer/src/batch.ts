import type * as tf from '@tensorflow/tfjs-core';

/**
 * One mini-batch as the data package produces it.
 *
 * Ownership: `fit` and `evaluate` take ownership of every batch they pull and dispose its
 * tensors once they are done with it, so a data pipeline should yield fresh tensors.
 */
export interface Batch {
  /** Skeletons [N, M, T, V, C] float32 (persons M, frames T, joints V, coordinates C). */
  readonly x: tf.Tensor;
  /** Class labels int32 [N]. */
  readonly y: tf.Tensor;
  /** Person validity [N, M] (1 = real person, 0 = padding), passed to the model as `context.mask`. */
  readonly mask?: tf.Tensor;
  /**
   * Test clips per sample (multi-clip testing), default 1: `x` and `mask` then hold `N * clips` rows,
   * sample-major, for the `N` labels of `y`, and `evaluate` averages each sample's clip logits.
   */
  readonly clips?: number;
}

/** Batches that can be pulled once; arrays, generators and Datasets all qualify. */
export type BatchStream = AsyncIterable<Batch> | Iterable<Batch>;

/**
 * The training batches of one epoch, in training order. Called once per epoch with the 0-based
 * epoch index and the fit seed.
 *
 * Exact resume needs the order to be a pure function of `(seed, epoch)`: shuffle with
 * `epochSeed(seed, epoch)` (a new order every epoch, the same order after a resume), and seed
 * random augmentation from it too. Nothing else about the data is stored in a checkpoint.
 */
export type EpochBatches = (epoch: number, seed: number) => BatchStream;

/** What `fit` trains and evaluates on. */
export interface FitData {
  /** Training batches per epoch; see {@link EpochBatches}. */
  readonly train: EpochBatches;
  /** Held-out batches for the `eval` events (split `test`). Called once per evaluation. */
  readonly test?: () => BatchStream;
  /**
   * Optional training batches for an evaluation in eval mode (split `train`): the "train accuracy in
   * eval mode" that separates a statistics problem from overfitting. Called once per evaluation.
   */
  readonly trainEval?: () => BatchStream;
  /**
   * Batches for `recalibrate` (PreciseBN) before each evaluation. Default: `train(epoch, seed)`
   * of the epoch just finished.
   */
  readonly calibration?: (epoch: number) => BatchStream;
}

/**
 * The seed of epoch `epoch`'s shuffle for a run seeded with `seed`: a 32-bit hash (splitmix32
 * of both), so neighbouring epochs and seeds give unrelated orders.
 */
export function epochSeed(seed: number, epoch: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul((epoch + 1) >>> 0, 0x85ebca77)) >>> 0;
  z = (z + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Disposes a batch's tensors. */
export function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  batch.y.dispose();
  batch.mask?.dispose();
}

/**
 * Training batches per epoch from a dataset that can replay any epoch, such as `Dataset` from
 * `@skelnorm/data` after `.shuffle(seed).batch(n)`: epoch `e` is `dataset.epoch(e)`, so a resumed
 * run sees the same order (the dataset's shuffle seed decides it; fit's `seed` is not used).
 * Carries the dataset's `size` (batches per epoch) for progress.
 */
export function epochsOf(dataset: { epoch(epoch: number): AsyncIterable<Batch>; readonly size?: number | null }): EpochBatches {
  return (epoch) => {
    const stream = dataset.epoch(epoch);
    const size = dataset.size;
    return typeof size === 'number' ? { [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](), size } : stream;
  };
}
