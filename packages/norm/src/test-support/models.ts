// Small models for the tests of the statistics tools.
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Flatten, Linear, Module, ReLU, Sequential, Dropout, Generator, type ForwardContext } from '@skelnorm/nn';
import { BatchNorm1d, BatchNorm2d } from '../index.js';

/**
 * The seed's pattern in miniature: input [N, M, H, W, C]; each person goes through the same
 * `stack` (called once per person, with `{ slot: m }` when `passSlot`); outputs stacked on axis 1.
 */
export class PerPersonModel extends Module {
  readonly stack: Module;

  constructor(stack: Module, readonly passSlot = true) {
    super();
    this.stack = this.registerModule('stack', stack);
  }

  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const persons = tf.unstack(x, 1);
    return tf.stack(persons.map((p, m) => this.stack.call(p, this.passSlot ? { ...context, slot: m } : context)), 1);
  }
}

/** conv -> BN2d -> ReLU -> flatten -> linear -> BN1d -> dropout -> linear: two BatchNorms in a row. */
export function smallNet(seed = 1): Sequential {
  const generator = new Generator(seed);
  return new Sequential(
    new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1, generator }),
    new BatchNorm2d({ numFeatures: 4 }),
    new ReLU(),
    new Flatten({ order: 'channels-last' }),
    new Linear({ inFeatures: 4 * 4 * 4, outFeatures: 6, generator }),
    new BatchNorm1d({ numFeatures: 6 }),
    new Dropout({ p: 0.5, generator }),
    new Linear({ inFeatures: 6, outFeatures: 3, generator }),
  );
}

/** Deterministic normal data with a given mean and standard deviation. */
export function normal(shape: number[], mean: number, std: number, seed: number): tf.Tensor {
  return tf.randomNormal(shape, mean, std, 'float32', seed);
}

/** Float64 per-channel mean and unbiased variance of channels-last tensors taken together. */
export async function exactChannelStats(tensors: readonly tf.Tensor[]): Promise<{ mean: number[]; variance: number[] }> {
  const channels = tensors[0]?.shape.at(-1) ?? 0;
  const sum = new Float64Array(channels);
  let n = 0;
  const data = await Promise.all(tensors.map((t) => t.data()));
  for (const d of data) {
    for (let i = 0; i < d.length; i++) sum[i % channels]! += d[i]!;
    n += d.length / channels;
  }
  const mean = Array.from(sum, (s) => s / n);
  const ss = new Float64Array(channels);
  for (const d of data) for (let i = 0; i < d.length; i++) ss[i % channels]! += (d[i]! - mean[i % channels]!) ** 2;
  return { mean, variance: Array.from(ss, (s) => s / (n - 1)) };
}
