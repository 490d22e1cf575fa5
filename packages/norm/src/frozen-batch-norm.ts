import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext } from '@skelnorm/nn';
import { BatchNormBase } from './batch-norm-base.js';
import { frozenBatchNorm } from './functional/frozen-batch-norm.js';

export interface FrozenBatchNormOptions {
  /** C, the channels (last axis of the input). */
  numFeatures: number;
  /** Added to running_var. Default 1e-5. */
  eps?: number;
}

export const FROZEN_BATCH_NORM_DEFAULTS = Object.freeze({ eps: 1e-5 });

/**
 * BatchNorm with fixed statistics and affine, as torchvision's `FrozenBatchNorm2d` (for fine-tuning
 * with small batches):
 *
 *   y = (x - running_mean) / sqrt(running_var + eps) * weight + bias
 *
 * computed as x * scale + shift with scale = weight / sqrt(running_var + eps). All four tensors are
 * buffers (not trained, no `num_batches_tracked`); train and eval mode are identical.
 * Defaults: eps 1e-5, weight 1, bias 0, running_mean 0, running_var 1.
 * Shape: [N, H, W, C] -> same. State: `weight`, `bias`, `running_mean`, `running_var` [C].
 */
export class FrozenBatchNorm2d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  protected readonly ranks: readonly number[] = [4];
  protected readonly shapeHint: string = '[N, H, W, C]';

  constructor(options: FrozenBatchNormOptions) {
    super();
    const { numFeatures } = options;
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) {
      throw new RangeError(`${this.constructor.name}: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? FROZEN_BATCH_NORM_DEFAULTS.eps;
    this.weight = this.registerBuffer('weight', tf.ones([numFeatures]));
    this.bias = this.registerBuffer('bias', tf.zeros([numFeatures]));
    this.runningMean = this.registerBuffer('running_mean', tf.zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', tf.ones([numFeatures]));
  }

  forward(x: tf.Tensor, _context?: ForwardContext): tf.Tensor {
    if (!this.ranks.includes(x.rank) || x.shape[x.rank - 1] !== this.numFeatures) {
      throw new Error(`Frozen BatchNorm: expected channels-last input ${this.shapeHint} with C = ${this.numFeatures}, got [${x.shape}]`);
    }
    return tf.tidy(() => frozenBatchNorm(x, this.weight, this.bias, this.runningMean, this.runningVar, this.eps));
  }
}

/**
 * `FrozenBatchNorm2d` for vectors and sequences (no PyTorch counterpart; the same maths), so that a
 * model with `BatchNorm1d` (e.g. after fc1) can be frozen whole. Shape: [N, C] or [N, L, C].
 */
export class FrozenBatchNorm1d extends FrozenBatchNorm2d {
  protected override readonly ranks: readonly number[] = [2, 3];
  protected override readonly shapeHint: string = '[N, C] or [N, L, C]';
}

/**
 * Replaces every BatchNorm of a trained model (`BatchNorm2d` and `MaskedBatchNorm2d` by
 * `FrozenBatchNorm2d`, their 1d forms by `FrozenBatchNorm1d`) by a frozen layer holding its
 * running statistics, weight and bias (1 and 0 without affine), as detectron2's
 * `FrozenBatchNorm2d.convert_frozen_batchnorm`. After it, train mode gives the outputs that eval
 * mode gave before, and nothing is updated. Replaced layers are disposed. Returns the model, or the
 * frozen layer when `model` itself is a BatchNorm.
 * Throws for a layer without running statistics or with per-slot statistics (which slot to keep is
 * the caller's choice: freeze before converting to slots).
 */
export function freezeBatchNorm(model: Module): Module {
  if (model instanceof BatchNormBase) {
    const frozen = toFrozen('', model);
    model.dispose();
    return frozen;
  }
  for (const [path, m] of model.namedModules()) {
    if (path !== '' && m instanceof BatchNormBase) model.replaceModule(path, toFrozen(path, m)).dispose();
  }
  return model;
}

function toFrozen(path: string, bn: BatchNormBase): FrozenBatchNorm2d {
  const where = `freezeBatchNorm: ${bn.kind} at '${path}'`;
  if (!bn.trackRunningStats) throw new Error(`${where} has no running statistics (trackRunningStats: false): nothing to freeze`);
  if (bn.numSlots > 1) throw new Error(`${where} keeps ${bn.numSlots} sets of statistics; a frozen layer holds one`);
  const frozen = bn.dims === 1 ? new FrozenBatchNorm1d({ numFeatures: bn.numFeatures, eps: bn.eps }) : new FrozenBatchNorm2d({ numFeatures: bn.numFeatures, eps: bn.eps });
  const { runningMean, runningVar } = bn.statistics(0);
  tf.tidy(() => {
    frozen.runningMean.assign(tf.clone(runningMean));
    frozen.runningVar.assign(tf.clone(runningVar));
    if (bn.weight) frozen.weight.assign(tf.clone(bn.weight));
    if (bn.bias) frozen.bias.assign(tf.clone(bn.bias));
  });
  return frozen.train(bn.training);
}
