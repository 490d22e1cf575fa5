import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from '@skelnorm/nn';

/**
 * A compacted batch: row i of the layer's input stands for `counts[i]` identical samples of the
 * full batch (a model that computes one representative for every absent, all-zero person passes
 * it). Batch statistics count each row with its multiplicity, so they are those of the full batch:
 *
 *   n = sum_i counts_i * (values per sample),  mean = sum_i counts_i x_i / n,
 *   var = sum_i counts_i (x_i - mean)^2 / n,   running_var gets var * n / (n - 1)
 *
 * Gradients: the model expands the compact rows back to the full batch with a gather, whose
 * backward sums the gradients of a row's copies; a BatchNorm under a multiplicity then gives each
 * row the summed input gradient of its copies (see `batchNormTrain`). Layers with per-sample
 * statistics (LayerNorm, GroupNorm, FrozenBatchNorm) have nothing to count and ignore it.
 */
export interface SampleMultiplicity {
  /** [N'] float32, each >= 1: how many samples of the full batch row i stands for. */
  readonly counts: tf.Tensor;
  /** The sum of `counts` (the full batch's N), known without reading the device. */
  readonly total: number;
}

/** A forward context that may carry a {@link SampleMultiplicity} for the layers of one call. */
export interface MultiplicityContext extends ForwardContext {
  readonly multiplicity?: SampleMultiplicity;
}

/** The multiplicity a call carries, checked against the batch size of its input; undefined when none. */
export function multiplicityOf(context: ForwardContext, x: tf.Tensor): SampleMultiplicity | undefined {
  const multiplicity = (context as MultiplicityContext).multiplicity;
  if (multiplicity === undefined) return undefined;
  const { counts, total } = multiplicity;
  if (counts.rank !== 1 || counts.shape[0] !== x.shape[0]) {
    throw new Error(`multiplicity: expected counts of shape [${x.shape[0]}] (one per row of the input), got [${counts.shape}]`);
  }
  if (!Number.isInteger(total) || total < (counts.shape[0] ?? 0)) {
    throw new RangeError(`multiplicity: total must be an integer >= the number of rows (${counts.shape[0]}), got ${total}`);
  }
  return multiplicity;
}

/** `counts` shaped to broadcast over a channels-last input of rank `rank`: [N', 1, ..., 1]. */
export function broadcastCounts(counts: tf.Tensor, rank: number): tf.Tensor {
  return tf.reshape(counts, [counts.shape[0] ?? 0, ...new Array<number>(rank - 1).fill(1)]);
}
