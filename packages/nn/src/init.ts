import * as tf from '@tensorflow/tfjs-core';
import { defaultGenerator, type Generator } from './generator.js';

/**
 * PyTorch's default initialization of Conv and Linear weights:
 * `kaiming_uniform_(w, a=sqrt(5))`, i.e. U(-b, b) with b = gain * sqrt(3 / fanIn) and
 * gain = sqrt(2 / (1 + a^2)) = sqrt(1/3), which simplifies to b = 1 / sqrt(fanIn).
 */
export function kaimingUniform(shape: number[], fanIn: number, generator: Generator = defaultGenerator): tf.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return uniform(shape, -bound, bound, generator);
}

/** PyTorch's default bias initialization: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export function biasUniform(size: number, fanIn: number, generator: Generator = defaultGenerator): tf.Tensor {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return uniform([size], -bound, bound, generator);
}

/** A float32 tensor of values uniform in [low, high), drawn from `generator`. */
export function uniform(shape: number[], low: number, high: number, generator: Generator = defaultGenerator): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(generator.fillUniform(new Float32Array(size), low, high), shape, 'float32');
}
