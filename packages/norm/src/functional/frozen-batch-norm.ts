import * as tf from '@tensorflow/tfjs-core';

/**
 * Batch normalization with fixed statistics, as torchvision's `FrozenBatchNorm2d`:
 * scale = weight / sqrt(running_var + eps), shift = bias - running_mean * scale,
 * y = x * scale + shift (two [C] vectors folded first, then one multiply-add over x).
 */
export function frozenBatchNorm(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor,
  runningMean: tf.Tensor,
  runningVar: tf.Tensor,
  eps: number,
): tf.Tensor {
  const scale = tf.mul(weight, tf.rsqrt(tf.add(runningVar, eps)));
  const shift = tf.sub(bias, tf.mul(runningMean, scale));
  return tf.add(tf.mul(x, scale), shift);
}
