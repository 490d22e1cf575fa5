import * as tf from '@tensorflow/tfjs-core';
import { BatchNormTrain, BatchNormTrainGrad, type BatchNormTrainAttrs, type BatchNormTrainGradAttrs } from '@skelnorm/nn';
import { valuesPerChannel } from './batch-norm.js';
import { broadcastCounts, type SampleMultiplicity } from '../sample-multiplicity.js';

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
 * a batch-32 training step (`skelnorm bench --workers 0 --profile`).
 *
 * The mean's correction pass is what PyTorch does not do: for a channel that is constant over the
 * batch (the seed CNN's first conv on an all-zero second person gives its bias everywhere) a
 * one-pass mean is off by rounding, var is ~0, and 1/sqrt(var + eps) ≈ 316 amplifies that
 * rounding layer after layer: cpu and wasm (different summation orders) then disagree by 2-7% in
 * the loss of a batch of one-person samples. With the correction the mean of a constant is exact
 * and they agree to 2e-5 (as with two real persons); elsewhere it changes the result by rounding
 * only (the golden PyTorch files still pass). `weight`/`bias` omitted: no affine (their gradients
 * are computed against 1 and 0 and dropped).
 *
 * `multiplicity` (a compacted batch, see `SampleMultiplicity`): with c_i the count of row i and n
 * the full batch's values per channel, the means above become sum(c x) / n, and
 * dx_i = (dy_i - c_i * (sum(dy) / n + xmu_i * dotp * invstd^2 / n)) * w * invstd, where dy of a row
 * is already the sum over its copies: the dense layer's numbers, each copy's input gradient summed.
 */
export function batchNormTrain(
  x: tf.Tensor,
  eps: number,
  weight?: tf.Tensor,
  bias?: tf.Tensor,
  multiplicity?: SampleMultiplicity,
): BatchNormTrainResult {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const channels = x.shape[x.rank - 1] ?? 0;
  const rows = x.shape[0] ?? 0;
  // Under a multiplicity, n counts the full batch; every sum that the dense layer takes over the
  // copies of a row is that row's term times its count (reductions over the gradient need no
  // count: the gather that expands the rows has already summed the copies' gradients).
  const n = multiplicity ? (multiplicity.total * valuesPerChannel(x)) / Math.max(rows, 1) : valuesPerChannel(x);
  const mean = (t: tf.Tensor, counts: tf.Tensor | undefined) => (counts ? tf.div(tf.sum(tf.mul(t, counts), axes), n) : tf.mean(t, axes));
  let statistics: { mean: tf.Tensor; variance: tf.Tensor } | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const counts = multiplicity ? broadcastCounts(multiplicity.counts, x.rank) : undefined;
    const roughMean = mean(input, counts);
    const roughXmu = tf.sub(input, roughMean);
    const correction = mean(roughXmu, counts);
    const batchMean = tf.add(roughMean, correction);
    const xmu = tf.sub(roughXmu, correction);
    const variance = mean(tf.square(xmu), counts);
    const invstd = tf.rsqrt(tf.add(variance, eps));
    const value = tf.add(tf.mul(xmu, tf.mul(invstd, w)), b);
    // The op runs in its own tidy scope: keep the statistics for the caller's running averages.
    statistics = { mean: tf.keep(batchMean), variance: tf.keep(variance) };
    save(counts ? [xmu, invstd, w, counts] : [xmu, invstd, w]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedXmu, savedInvstd, savedW, savedCounts] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const sumDy = tf.sum(dy, axes);
        const dotp = tf.sum(tf.mul(savedXmu, dy), axes);
        const k = tf.div(tf.mul(dotp, tf.square(savedInvstd)), n);
        const centred = savedCounts
          ? tf.sub(dy, tf.mul(tf.add(tf.div(sumDy, n), tf.mul(savedXmu, k)), savedCounts))
          : tf.sub(tf.sub(dy, tf.div(sumDy, n)), tf.mul(savedXmu, k));
        const dx = tf.mul(centred, tf.mul(savedInvstd, savedW));
        return [dx, tf.mul(dotp, savedInvstd), sumDy];
      },
    };
  });
  // The same statistics and gradient as one kernel pair, where the backend has them (wasm).
  const fusedOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const counts: tf.NamedTensorMap = multiplicity ? { counts: multiplicity.counts } : {};
    const attrs: BatchNormTrainAttrs = { eps, n };
    const [value, batchMean, variance, invstd, centre] = tf.engine().runKernel(BatchNormTrain, { x: input, weight: w, bias: b, ...counts }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    statistics = { mean: tf.keep(batchMean!), variance: tf.keep(variance!) };
    // The counts are saved too: the model may dispose its multiplicity before the backward pass.
    save([input, centre!, invstd!, w, ...Object.values(counts)]);
    return {
      value: value!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedCentre, savedInvstd, savedW, savedCounts] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const gradAttrs: BatchNormTrainGradAttrs = { n };
        const inputs: tf.NamedTensorMap = { dy, x: savedX, centre: savedCentre, invstd: savedInvstd, weight: savedW, ...(savedCounts ? { counts: savedCounts } : {}) };
        return tf.engine().runKernel(BatchNormTrainGrad, inputs, gradAttrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      },
    };
  });
  const w = weight ?? tf.ones([channels]);
  const b = bias ?? tf.zeros([channels]);
  try {
    const y = (fusedAvailable(x) ? fusedOp : op)(x, w, b);
    const { mean: batchMean, variance } = statistics!;
    return { y, mean: batchMean, variance, count: n };
  } finally {
    if (!weight) w.dispose();
    if (!bias) b.dispose();
  }
}

/** Whether the backend runs {@link BatchNormTrain} (and its gradient) for `x`: channels-last, C a multiple of 4. */
function fusedAvailable(x: tf.Tensor): boolean {
  const backend = tf.getBackend();
  const channels = x.shape[x.rank - 1] ?? 0;
  return x.rank >= 2 && channels > 0 && channels % 4 === 0 && x.dtype === 'float32' && x.size > 0 &&
    tf.getKernel(BatchNormTrain, backend) !== undefined && tf.getKernel(BatchNormTrainGrad, backend) !== undefined;
}
