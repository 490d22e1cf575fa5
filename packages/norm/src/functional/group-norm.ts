import * as tf from '@tensorflow/tfjs-core';
import { affine } from './affine.js';
import { normalizeChannels } from './batch-norm.js';

/**
 * Group normalization of channels-last input (Wu & He 2018, https://arxiv.org/abs/1803.08494):
 * the C channels are split into `numGroups` contiguous groups and each (sample, group) is
 * normalized over its channels and every position, then a per-channel affine is applied.
 * The same numbers as `torch.nn.functional.group_norm` on the NCHW equivalent.
 *
 * A reshape, the shared normalize, a reshape back: [N, ..., C] -> [N, S, G, C/G], statistics
 * over S and C/G, then [N, ..., C]. Shape: [N, ..., C] (rank >= 2) -> same.
 */
export function groupNorm(x: tf.Tensor, numGroups: number, eps: number, weight?: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const n = x.shape[0] ?? 0;
  const channels = x.shape[x.rank - 1] ?? 0;
  const positions = x.rank > 2 ? x.shape.slice(1, -1).reduce((a, b) => a * b, 1) : 1;
  const grouped = tf.reshape(x, [n, positions, numGroups, channels / numGroups]);
  const { mean, variance } = tf.moments(grouped, [1, 3], true);
  const normalized = tf.reshape(normalizeChannels(grouped, mean, variance, eps), x.shape);
  return affine(normalized, weight, bias);
}
