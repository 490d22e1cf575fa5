// The model factory that worker replicas load in tests (ModelSpec.module).
import * as tf from '@tensorflow/tfjs-core';
import { Generator, Linear, Module, type ForwardContext } from '@skelnorm/nn';
import { BatchNorm1d } from '@skelnorm/norm';
import { FEATURES, TinyNet } from './tiny.js';

/** flatten -> Linear -> BatchNorm1d -> ReLU -> Linear. */
export class TinyBnNet extends Module {
  readonly fc1: Linear;
  readonly bn = this.registerModule('bn', new BatchNorm1d({ numFeatures: 6 }));
  readonly fc2: Linear;

  constructor(seed = 1) {
    super();
    const generator = new Generator(seed);
    this.fc1 = this.registerModule('fc1', new Linear({ inFeatures: FEATURES, outFeatures: 6, generator }));
    this.fc2 = this.registerModule('fc2', new Linear({ inFeatures: 6, outFeatures: 4, generator }));
  }

  forward(x: tf.Tensor, c: ForwardContext): tf.Tensor {
    return tf.tidy(() => this.fc2.call(tf.relu(this.bn.call(this.fc1.call(tf.reshape(x, [x.shape[0] ?? -1, FEATURES]), c), c)), c));
  }
}

export function createModel(name: string, options: { classes?: number; hidden?: number; seed?: number } = {}): Module {
  if (name === 'tiny') return new TinyNet(options.classes, options.hidden, options.seed);
  if (name === 'tiny-bn') return new TinyBnNet(options.seed);
  throw new Error(`tiny-models: unknown model '${name}'`);
}
