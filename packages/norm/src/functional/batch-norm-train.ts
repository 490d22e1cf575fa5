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
 * Training-mode BatchNorm over all axes but the last, as one op whose backward is PyTorch's own
 * formula (`batch_norm_backward` on CPU) instead of tfjs's differentiation of every elementary op:
 *
 *   forward:  mean = mean(x) + mean(x - mean(x)),  xmu = x - mean,  var = mean(xmu^2),
 *             y = xmu * (w * invstd) + b
 *   backward: dotp = sum(xmu * dy),  dx = (dy - sum(dy) / n - xmu * dotp * invstd^2 / n) * w * invstd,
 *             dw = dotp * invstd,  db = sum(dy)
 *
 * About 10 full-size ops in all where the differentiated composition of `channelMoments` and
 * `normalizeChannels` took about 20: on wasm the seed CNN's BatchNorms went from ~330 to ~90 ms of
 * a batch-32 training step (`tools/bench/src/step-profile.ts`).
 *
 * The mean's correction pass is what PyTorch does not do: for a channel that is constant over the
 * batch (the seed CNN's first conv on an all-zero second person gives its bias everywhere) a
 * one-pass mean is off by rounding, var is ~0, and 1/sqrt(var + eps) ≈ 316 amplifies that
 * rounding layer after layer: cpu and wasm (different summation orders) then disagree by 2-7% in
 * the loss of a batch of one-person samples. With the correction the mean of a constant is exact
 * and they agree to 2e-5 (as with two real persons); elsewhere it changes the result by rounding
 * only (the golden PyTorch files still pass). `weight`/`bias` omitted: no affine (their gradients
 * are computed against 1 and 0 and dropped).
 */
export function batchNormTrain(x: tf.Tensor, eps: number, weight?: tf.Tensor, bias?: tf.Tensor): BatchNormTrainResult {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const channels = x.shape[x.rank - 1] ?? 0;
  const n = valuesPerChannel(x);
  let statistics: { mean: tf.Tensor; variance: tf.Tensor } | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const roughMean = tf.mean(input, axes);
    const roughXmu = tf.sub(input, roughMean);
    const correction = tf.mean(roughXmu, axes);
    const mean = tf.add(roughMean, correction);
    const xmu = tf.sub(roughXmu, correction);
    const variance = tf.mean(tf.square(xmu), axes);
    const invstd = tf.rsqrt(tf.add(variance, eps));
    const value = tf.add(tf.mul(xmu, tf.mul(invstd, w)), b);
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
