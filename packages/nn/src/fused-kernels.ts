/**
 * Kernels that skelnorm's layers run fused where a backend provides them (`tf.getKernel(name,
 * backend)`), with the same formula as the tfjs op chain they stand for otherwise.
 * `@skelnorm/backends` registers them for wasm (`registerWasmTrainingKernels`); other backends
 * take the op chains. The names and attributes are the contract between the two sides.
 */

/**
 * One Adam/AdamW step of one parameter. Inputs `param`, `grad`, `m`, `v` (float32, one shape);
 * outputs `[param, m, v]` after the step, the same bits as `Adam.update`'s op chain.
 */
export const AdamUpdate = 'SkelnormAdamUpdate';

export interface AdamUpdateAttrs {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** AdamW: decay the parameter by `1 - lr * weightDecay`; Adam: add `weightDecay * p` to the gradient. */
  readonly decoupled: boolean;
  /** The step being taken, from 1 (bias corrections). */
  readonly step: number;
}

/**
 * Training-mode BatchNorm over every axis but the last of a channels-last `x` whose channel count
 * is a multiple of 4 (the fused kernels work four channels at a time). Inputs `x`, `weight` [C],
 * `bias` [C] and, for a compacted batch, `counts` [N] (float32, how many samples row i of the
 * first axis stands for); attributes {@link BatchNormTrainAttrs}. Outputs `[y, mean, variance,
 * invstd, centre]`: the output, the batch mean and biased variance (each row counted `counts`
 * times), `1 / sqrt(variance + eps)`, and `mean - x[row 0]` (what the gradient centres by after
 * x's first row, for accuracy far from zero), all [C] but y.
 */
export const BatchNormTrain = 'SkelnormBatchNormTrain';

export interface BatchNormTrainAttrs {
  readonly eps: number;
  /** Values per channel of the full batch: the divisor of the mean and variance. */
  readonly n: number;
}

/**
 * The gradient of {@link BatchNormTrain}: inputs `dy`, `x`, `centre`, `invstd`, `weight` and
 * `counts` (when the forward had them), attribute `n`; outputs `[dx, dweight, dbias]`, with
 * x - mean computed as (x - x[row 0]) - centre:
 *   dx = (dy - c (sum(dy) / n + (x - mean) dotp invstd^2 / n)) weight invstd,
 *   dweight = dotp invstd, dbias = sum(dy), with dotp = sum((x - mean) dy),
 * c the row's count (1 without counts); the sums run over the rows as they are, since the
 * gradient of a compacted row already sums its copies'.
 */
export const BatchNormTrainGrad = 'SkelnormBatchNormTrainGrad';

export interface BatchNormTrainGradAttrs {
  readonly n: number;
}
