// A tiny skeleton classifier and synthetic batches for fast trainer tests.
import * as tf from '@tensorflow/tfjs-core';
import { Dropout, Generator, Identity, Linear, Module, ReLU, type ForwardContext } from '@skelnorm/nn';
import type { Batch } from '../batch.js';

export const SHAPE = { M: 2, T: 4, V: 3, C: 3 } as const;
export const FEATURES = SHAPE.M * SHAPE.T * SHAPE.V * SHAPE.C;

/** [N, M, T, V, C] -> flatten -> Linear -> ReLU -> Dropout(p) -> Linear -> [N, K]. */
export class TinyNet extends Module {
  readonly fc1: Linear;
  readonly act: Module = this.registerModule('act', new ReLU());
  readonly drop: Module;
  readonly fc2: Linear;

  constructor(classes = 4, hidden = 8, seed = 1, dropout = 0) {
    super();
    const generator = new Generator(seed);
    this.fc1 = this.registerModule('fc1', new Linear({ inFeatures: FEATURES, outFeatures: hidden, generator }));
    this.drop = this.registerModule('drop', dropout > 0 ? new Dropout({ p: dropout, generator }) : new Identity());
    this.fc2 = this.registerModule('fc2', new Linear({ inFeatures: hidden, outFeatures: classes, generator }));
  }

  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const h = this.act.call(this.fc1.call(tf.reshape(x, [x.shape[0] ?? -1, FEATURES]), context), context);
      return this.fc2.call(this.drop.call(h, context), context);
    });
  }
}

/** A fixed labelled set: class c has mean c/2 on every coordinate plus noise. */
export function makeSamples(count: number, classes = 4, seed = 7): { x: Float32Array; y: Int32Array } {
  const g = new Generator(seed);
  const x = new Float32Array(count * FEATURES);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = i % classes;
    for (let j = 0; j < FEATURES; j++) x[i * FEATURES + j] = (y[i] as number) * 0.5 * Math.sin(j + 1) + (g.nextFloat() - 0.5);
  }
  return { x, y };
}

/** Batches of one epoch, shuffled with a seed derived from (seed, epoch) when `shuffle`. */
export function epochBatches(samples: { x: Float32Array; y: Int32Array }, batchSize: number, shuffle = true) {
  return function* (epoch: number, seed: number): IterableIterator<Batch> {
    const n = samples.y.length;
    const order = Array.from({ length: n }, (_, i) => i);
    if (shuffle) {
      const g = new Generator((seed * 1000 + epoch) >>> 0);
      for (let i = n - 1; i > 0; i--) {
        const j = g.nextInt(i + 1);
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
    }
    for (let start = 0; start < n; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const x = new Float32Array(idx.length * FEATURES);
      idx.forEach((s, k) => x.set(samples.x.subarray(s * FEATURES, (s + 1) * FEATURES), k * FEATURES));
      yield {
        x: tf.tensor(x, [idx.length, SHAPE.M, SHAPE.T, SHAPE.V, SHAPE.C]),
        y: tf.tensor1d(idx.map((s) => samples.y[s] as number), 'int32'),
      };
    }
  };
}
