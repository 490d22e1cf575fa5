import * as tf from '@tensorflow/tfjs-core';

/** x * weight + bias, broadcast over the trailing axes of x; either may be omitted. */
export function affine(x: tf.Tensor, weight?: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  let y = x;
  if (weight) y = tf.mul(y, weight);
  if (bias) y = tf.add(y, bias);
  return y;
}
