import * as tf from '@tensorflow/tfjs-core';

/**
 * Multi-clip testing (PYSKL's `num_clips`): a batch of `N` samples cut into `K` clips each holds
 * `N * K` rows, sample-major (rows `[i K, (i + 1) K)` are sample `i`'s clips); a sample's score is
 * the mean of its clips' logits, `[N * K, C] -> [N, C]`. Logits are averaged rather than softmax
 * probabilities (PYSKL's default `average_clips='prob'`) so that score files keep holding logits and
 * fusion treats one-clip and many-clip runs alike; top-1 rarely differs between the two.
 *
 * @throws RangeError when the rows are not a multiple of `clips`.
 */
export function averageClipLogits(logits: tf.Tensor, clips: number): tf.Tensor2D {
  const [rows, width] = logits.shape as [number, number];
  if (!Number.isInteger(clips) || clips < 1) throw new RangeError(`averageClipLogits: clips must be a positive integer, got ${clips}`);
  if (rows % clips !== 0) throw new RangeError(`averageClipLogits: ${rows} rows of logits are not ${clips} clips per sample`);
  if (clips === 1) return logits as tf.Tensor2D;
  return tf.tidy(() => tf.mean(tf.reshape(logits, [rows / clips, clips, width]), 1) as tf.Tensor2D);
}
