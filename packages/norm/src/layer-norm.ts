import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext } from '@skelnorm/nn';
import { layerNorm } from './functional/layer-norm.js';

export interface LayerNormOptions {
  /** The trailing dims to normalize over, as PyTorch's `normalized_shape` (a number = one dim). */
  normalizedShape: number | readonly number[];
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Learnable `weight` (init 1) and `bias` (init 0) of shape normalizedShape. Default true. */
  elementwiseAffine?: boolean;
}

export const LAYER_NORM_DEFAULTS = Object.freeze({ eps: 1e-5, elementwiseAffine: true });

/**
 * Layer normalization, as `torch.nn.LayerNorm` (Ba et al. 2016, https://arxiv.org/abs/1607.06450):
 * each sample is normalized over its trailing `normalizedShape` dims,
 *
 *   y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias   (biased variance, over those dims)
 *
 * with element-wise affine of shape normalizedShape. No running statistics: train and eval are the
 * same. Layout-agnostic: the dims are whatever trails the input. In this library's channels-last
 * layout `LayerNorm(C)` normalizes each position over its channels; PyTorch's
 * `LayerNorm([C, H, W])` on NCHW is `LayerNorm([H, W, C])` here (weights transposed accordingly),
 * or, with per-channel affine, `GroupNorm({ numGroups: 1, numChannels: C })`.
 * Defaults: eps 1e-5, elementwiseAffine true. Shape: [*, ...normalizedShape] -> same.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly weight: tf.Variable | undefined;
  readonly bias: tf.Variable | undefined;

  constructor(options: LayerNormOptions) {
    super();
    const shape = typeof options.normalizedShape === 'number' ? [options.normalizedShape] : [...options.normalizedShape];
    if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new RangeError(`LayerNorm: normalizedShape must be positive integers, got [${shape}]`);
    }
    this.normalizedShape = shape;
    this.eps = options.eps ?? LAYER_NORM_DEFAULTS.eps;
    this.elementwiseAffine = options.elementwiseAffine ?? LAYER_NORM_DEFAULTS.elementwiseAffine;
    this.weight = this.elementwiseAffine ? this.registerParameter('weight', tf.ones(shape)) : undefined;
    this.bias = this.elementwiseAffine ? this.registerParameter('bias', tf.zeros(shape)) : undefined;
  }

  forward(x: tf.Tensor, _context?: ForwardContext): tf.Tensor {
    const k = this.normalizedShape.length;
    const trailing = x.shape.slice(x.rank - k);
    if (x.rank < k || trailing.some((d, i) => d !== this.normalizedShape[i])) {
      throw new Error(`LayerNorm: expected input [*, ${this.normalizedShape.join(', ')}], got [${x.shape}]`);
    }
    return tf.tidy(() => layerNorm(x, k, this.eps, this.weight, this.bias));
  }
}
