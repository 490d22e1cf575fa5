import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext } from '@skelnorm/nn';
import { groupNorm } from './functional/group-norm.js';

export interface GroupNormOptions {
  /** G, the number of groups; must divide numChannels. */
  numGroups: number;
  /** C, the channels (last axis of the input). */
  numChannels: number;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Learnable per-channel `weight` (init 1) and `bias` (init 0). Default true. */
  affine?: boolean;
}

export const GROUP_NORM_DEFAULTS = Object.freeze({ eps: 1e-5, affine: true });

/**
 * Group normalization, as `torch.nn.GroupNorm` (Wu & He 2018, https://arxiv.org/abs/1803.08494), on
 * channels-last input. The C channels are split into G contiguous groups of C/G; each sample's
 * group is normalized over its channels and all positions,
 *
 *   y = (x - E[x]) / sqrt(Var[x] + eps) * weight_c + bias_c   (biased variance per (n, g))
 *
 * giving the same numbers as PyTorch's GroupNorm on the NCHW equivalent. No batch statistics and no
 * running statistics: independent of batch size, train and eval identical. G = 1 is LayerNorm over
 * (C, H, W) with per-channel affine; G = C is InstanceNorm. Defaults: eps 1e-5, affine true.
 * Shape: [N, C] or [N, ..., C] -> same. State: `weight`, `bias` [C].
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  readonly weight: tf.Variable | undefined;
  readonly bias: tf.Variable | undefined;

  constructor(options: GroupNormOptions) {
    super();
    const { numGroups, numChannels } = options;
    for (const [name, v] of Object.entries({ numGroups, numChannels })) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`GroupNorm: ${name} must be a positive integer, got ${v}`);
    }
    if (numChannels % numGroups !== 0) {
      throw new RangeError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    }
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps ?? GROUP_NORM_DEFAULTS.eps;
    this.affine = options.affine ?? GROUP_NORM_DEFAULTS.affine;
    this.weight = this.affine ? this.registerParameter('weight', tf.ones([numChannels])) : undefined;
    this.bias = this.affine ? this.registerParameter('bias', tf.zeros([numChannels])) : undefined;
  }

  forward(x: tf.Tensor, _context?: ForwardContext): tf.Tensor {
    if (x.rank < 2 || x.shape[x.rank - 1] !== this.numChannels) {
      throw new Error(`GroupNorm: expected channels-last input [N, ..., C] with C = ${this.numChannels}, got [${x.shape}]`);
    }
    return tf.tidy(() => groupNorm(x, this.numGroups, this.eps, this.weight, this.bias));
  }
}
