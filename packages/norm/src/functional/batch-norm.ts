import * as tf from '@tensorflow/tfjs-core';
import { affine } from './affine.js';

/**
 * Per-channel statistics of a channels-last batch: mean and biased variance over every axis
 * but the last, and how many values each channel had.
 */
export interface ChannelMoments {
  /** [C] */
  readonly mean: tf.Tensor;
  /** [C], biased: sum((x - mean)^2) / count. This is what normalizes a training batch. */
  readonly variance: tf.Tensor;
  /** Values per channel: a number when it follows from the shape, a scalar tensor under a mask. */
  readonly count: number | tf.Scalar;
}

/** Values per channel of a channels-last tensor: every element not on the last axis. */
export function valuesPerChannel(x: tf.Tensor): number {
  const channels = x.shape[x.rank - 1] ?? 1;
  return channels === 0 ? 0 : x.size / channels;
}

/**
 * Mean and biased variance over all axes but the last (two passes over memory, for the
 * accuracy of float32), as `torch.var_mean(x, dim=(0, 2, 3), unbiased=False)` on the NCHW
 * equivalent. Shape: [N, ..., C] -> [C], [C].
 */
export function channelMoments(x: tf.Tensor): ChannelMoments {
  const axes = leadingAxes(x);
  const { mean, variance } = tf.moments(x, axes);
  return { mean, variance, count: valuesPerChannel(x) };
}

/**
 * Channel moments over the valid samples only: `mask` [N] holds 1 for a real sample and 0 for
 * padding (an absent person). mean = sum(m x) / n, variance = sum(m (x - mean)^2) / n with
 * n = sum(m) * (values per sample and channel). When no sample is valid, n = 0 and mean and
 * variance are 0 (the caller decides what to do; see `hasValues`). `counts` [N] (a compacted batch's
 * multiplicities, see `SampleMultiplicity`) multiply the mask: w = m * counts.
 */
export function maskedChannelMoments(x: tf.Tensor, mask: tf.Tensor, counts?: tf.Tensor): ChannelMoments {
  const n = x.shape[0];
  if (mask.rank !== 1 || mask.shape[0] !== n) {
    throw new Error(`mask: expected shape [${n}] (one value per sample, 1 = valid, 0 = padded), got [${mask.shape}]`);
  }
  const weights = tf.cast(mask, 'float32');
  return weightedChannelMoments(x, counts ? tf.mul(weights, counts) : weights);
}

/**
 * Channel moments with a weight per sample (`weights` [N], float32 >= 0): a mask (0/1), a count of
 * identical samples a row stands for, or their product. mean = sum(w x) / n, variance =
 * sum(w (x - mean)^2) / n, n = sum(w) * (values per sample and channel); n = 0 gives 0 and 0.
 */
export function weightedChannelMoments(x: tf.Tensor, weights: tf.Tensor): ChannelMoments {
  const n = x.shape[0] ?? 0;
  const axes = leadingAxes(x);
  const perSample = n === 0 ? 0 : valuesPerChannel(x) / n;
  const w = tf.reshape(weights, [n, ...new Array<number>(x.rank - 1).fill(1)]);
  const count = tf.mul(tf.sum(w), perSample) as tf.Scalar;
  const divisor = tf.maximum(count, 1);
  const mean = tf.div(tf.sum(tf.mul(x, w), axes), divisor);
  // square(sub) rather than squaredDifference: tfjs's SquaredDifference gradient does not reduce
  // over broadcast axes (the gradient of `mean` would come back [N, ..., C] instead of [C]).
  const variance = tf.div(tf.sum(tf.mul(tf.square(tf.sub(x, mean)), w), axes), divisor);
  return { mean, variance, count };
}

/** 1 when `count` > 0 else 0, as a float scalar (counts are whole numbers, so min(count, 1)). */
export function hasValues(count: number | tf.Scalar): tf.Scalar {
  return typeof count === 'number' ? tf.scalar(count > 0 ? 1 : 0) : (tf.minimum(count, 1) as tf.Scalar);
}

/**
 * y = (x - mean) / sqrt(variance + eps) * weight + bias, with [C] statistics and affine
 * broadcast over the last axis of x. `weight`/`bias` omitted: no affine transform.
 */
export function normalizeChannels(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  eps: number,
  weight?: tf.Tensor,
  bias?: tf.Tensor,
): tf.Tensor {
  return affine(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), weight, bias);
}

/**
 * PyTorch's unbiased variance from a biased one: variance * n / (n - 1). For n <= 1 (only a
 * masked batch can get here) the biased value is returned unchanged instead of dividing by 0.
 */
export function unbiasedVariance(variance: tf.Tensor, count: number | tf.Scalar): tf.Tensor {
  if (typeof count === 'number') return count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
  return tf.mul(variance, tf.div(count, tf.maximum(tf.sub(count, 1), 1)));
}

/**
 * One step of PyTorch's running average: (1 - factor) * running + factor * batchValue.
 * `factor` is the momentum (PyTorch convention: weight of the NEW value) or, for a cumulative
 * average, 1 / num_batches_tracked.
 */
export function runningAverage(running: tf.Tensor, batchValue: tf.Tensor, factor: number | tf.Scalar): tf.Tensor {
  return tf.add(tf.mul(running, tf.sub(1, factor)), tf.mul(batchValue, factor));
}

function leadingAxes(x: tf.Tensor): number[] {
  return Array.from({ length: x.rank - 1 }, (_, i) => i);
}
