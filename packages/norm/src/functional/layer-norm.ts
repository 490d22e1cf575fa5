import * as tf from '@tensorflow/tfjs-core';
import { affine } from './affine.js';
import { normalizeChannels } from './batch-norm.js';

/**
 * Layer normalization over the trailing `normalizedRank` axes (Ba et al. 2016,
 * https://arxiv.org/abs/1607.06450), as `torch.nn.functional.layer_norm`: biased variance,
 * element-wise affine of the normalized shape.
 */
export function layerNorm(x: tf.Tensor, normalizedRank: number, eps: number, weight?: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const axes = Array.from({ length: normalizedRank }, (_, i) => x.rank - normalizedRank + i);
  const { mean, variance } = tf.moments(x, axes, true);
  return affine(normalizeChannels(x, mean, variance, eps), weight, bias);
}
