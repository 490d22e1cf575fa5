import * as tf from '@tensorflow/tfjs-core';
import type { TorchLayout } from './module.js';

/**
 * Conv2d weight: here [kh, kw, in, out] (tfjs `conv2d` filter), in PyTorch (out, in, kh, kw).
 */
export const conv2dWeightLayout: TorchLayout = {
  toTorch: (t) => tf.transpose(t, [3, 2, 0, 1]),
  fromTorch: (t) => tf.transpose(t, [2, 3, 1, 0]),
};

/** Linear weight: here [in, out] (so that forward is `matMul(x, w)`), in PyTorch (out, in). */
export const linearWeightLayout: TorchLayout = {
  toTorch: (t) => tf.transpose(t),
  fromTorch: (t) => tf.transpose(t),
};

/** A skeleton batch from PyTorch's (N, C, T, V, M) to this library's [N, M, T, V, C]. */
export function skeletonBatchFromTorch(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, 4, 2, 3, 1]);
}

/** A skeleton batch from [N, M, T, V, C] to PyTorch's (N, C, T, V, M). */
export function skeletonBatchToTorch(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, 4, 2, 3, 1]);
}

/** A feature map from PyTorch's (N, C, H, W) to [N, H, W, C]. */
export function featureMapFromTorch(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, 2, 3, 1]);
}

/** A feature map from [N, H, W, C] to PyTorch's (N, C, H, W). */
export function featureMapToTorch(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, 3, 1, 2]);
}
