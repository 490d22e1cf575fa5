import * as tf from '@tensorflow/tfjs-core';
import type { Conv2d, Generator, Module } from '@skelnorm/nn';

/**
 * The reference's initializations (`model/ctrgcn.py`: `conv_init`, `bn_init`, `weights_init`),
 * drawn from the model's seeded generator. The draws differ from PyTorch's; the distributions do not.
 */

/** Values ~ N(mean, std^2) from the model's generator. */
export function normalValues(size: number, mean: number, std: number, generator: Generator): Float32Array {
  return Float32Array.from({ length: size }, () => generator.normal(mean, std));
}

/**
 * `conv_init`: `kaiming_normal_(weight, mode='fan_out')` — std sqrt(2 / fan_out), fan_out =
 * out_channels * kh * kw — and a zero bias. Also what `weights_init` does to a conv.
 */
export function initConvFanOut(conv: Conv2d, generator: Generator): void {
  const [kh = 1, kw = 1, , out = 1] = conv.weight.shape;
  const std = Math.sqrt(2 / (out * kh * kw));
  const values = normalValues(conv.weight.size, 0, std, generator);
  tf.tidy(() => {
    conv.weight.assign(tf.tensor(values, conv.weight.shape));
    conv.bias?.assign(tf.zerosLike(conv.bias));
  });
}

/**
 * `bn_init(bn, scale)`: weight `scale`, bias 0; with `std` (`weights_init`), weight ~ N(scale, std^2).
 * Applies to whatever normalization the model was built with; one without a `weight` parameter
 * (none, frozen) is left as it is.
 */
export function initNormAffine(norm: Module, scale: number, generator: Generator, std = 0): void {
  const own = Object.fromEntries(norm.namedParameters());
  const weight = own['weight'];
  const bias = own['bias'];
  const values = weight && (std > 0 ? normalValues(weight.size, scale, std, generator) : new Float32Array(weight.size).fill(scale));
  tf.tidy(() => {
    if (weight && values) weight.assign(tf.tensor(values, weight.shape));
    bias?.assign(tf.zerosLike(bias));
  });
}
