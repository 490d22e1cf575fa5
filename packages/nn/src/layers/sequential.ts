import type * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext } from '../module.js';

/**
 * Calls its children in order, as `torch.nn.Sequential`; children are named '0', '1', ... so
 * state-dict keys match PyTorch (`conv1.0.weight`). The context reaches every child.
 */
export class Sequential extends Module {
  constructor(...layers: Module[]) {
    super();
    layers.forEach((layer, i) => this.registerModule(String(i), layer));
  }

  get length(): number {
    return this.namedChildren().length;
  }

  /** The i-th child (after any `replaceModule`). */
  at(index: number): Module {
    const child = this.namedChildren()[index];
    if (!child) throw new RangeError(`Sequential: no layer at index ${index} (length ${this.length})`);
    return child[1];
  }

  forward(x: tf.Tensor, context: ForwardContext = {}): tf.Tensor {
    // Intermediates are left to the caller's tf.tidy: a gradient tape may still need them.
    let y = x;
    for (const [, layer] of this.namedChildren()) y = layer.call(y, context);
    return y;
  }
}
