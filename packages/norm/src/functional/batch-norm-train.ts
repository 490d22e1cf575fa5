import * as tf from '@tensorflow/tfjs-core';
import { valuesPerChannel } from './batch-norm.js';

/** What a training-mode BatchNorm call gives back: the output and the batch statistics it used. */
export interface BatchNormTrainResult {
  /** Normalized output, same shape as x; differentiable in x, weight and bias. */
  readonly y: tf.Tensor;
  /** [C] batch mean. The caller owns it (it is kept out of any tidy scope): dispose it. */
  readonly mean: tf.Tensor;
  /** [C] biased batch variance. The caller owns it: dispose it. */
  readonly variance: tf.Tensor;
  /** Values per channel (n of the unbiased correction). */
  readonly count: number;
}

/**
 * Training-mode BatchNorm over all axes but the last, as one op with PyTorch's own backward
 * (`batch_norm_backward` on CPU) instead of tfjs's differentiation of every elementary op:
 *
 *   forward:  xmu = x - mean,  var = mean(xmu^2),  y = x * (w * invstd) + (b - mean * w * invstd)
 *   backward: dotp = sum(xmu * dy),  dx = (dy - sum(dy) / n - xmu * dotp * invstd^2 / n) * w * invstd,
 *             dw = dotp * invstd,  db = sum(dy)
 *
 * Same arithmetic order as PyTorch's CPU kernels, and about 9 full-size ops in all where the
 * differentiated composition of `channelMoments` and `normalizeChannels` took about 20: on wasm the
 * seed CNN's BatchNorms went from ~330 to ~90 ms of a batch-32 training step (the trainer's
 * `scripts/profile-step.ts`). `weight`/`bias` omitted: no affine (their gradients are computed
 * against 1 and 0 and dropped).
 */
export function batchNormTrain(x: tf.Tensor, eps: number, weight?: tf.Tensor, bias?: tf.Tensor): BatchNormTrainResult {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const channels = x.shape[x.rank - 1] ?? 0;
  const n = valuesPerChannel(x);
  let statistics: { mean: tf.Tensor; variance: tf.Tensor } | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const mean = tf.mean(input, axes);
    const xmu = tf.sub(input, mean);
    const variance = tf.mean(tf.square(xmu), axes);
    const invstd = tf.rsqrt(tf.add(variance, eps));
    const scale = tf.mul(invstd, w);
    const value = tf.add(tf.mul(input, scale), tf.sub(b, tf.mul(mean, scale)));
    // The op runs in its own tidy scope: keep the statistics for the caller's running averages.
    statistics = { mean: tf.keep(mean), variance: tf.keep(variance) };
    save([xmu, invstd, w]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedXmu, savedInvstd, savedW] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const sumDy = tf.sum(dy, axes);
        const dotp = tf.sum(tf.mul(savedXmu, dy), axes);
        const k = tf.div(tf.mul(dotp, tf.square(savedInvstd)), n);
        const dx = tf.mul(tf.sub(tf.sub(dy, tf.div(sumDy, n)), tf.mul(savedXmu, k)), tf.mul(savedInvstd, savedW));
        return [dx, tf.mul(dotp, savedInvstd), sumDy];
      },
    };
  });
  const w = weight ?? tf.ones([channels]);
  const b = bias ?? tf.zeros([channels]);
  try {
    const y = op(x, w, b);
    const { mean, variance } = statistics!;
    return { y, mean, variance, count: n };
  } finally {
    if (!weight) w.dispose();
    if (!bias) b.dispose();
  }
}
