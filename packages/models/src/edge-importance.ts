import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext } from '@skelnorm/nn';

/**
 * ST-GCN's learnable edge importance: one [K, V, V] mask per block, initialized to ones and
 * multiplied element-wise into the adjacency (`nn.ParameterList` in the reference, so the
 * parameters are named `edge_importance.0`, `edge_importance.1`, ...).
 */
export class EdgeImportance extends Module {
  readonly masks: tf.Variable[];

  constructor(count: number, shape: readonly number[]) {
    super();
    this.masks = Array.from({ length: count }, (_, i) => this.registerParameter(String(i), tf.ones([...shape])));
  }

  /** Not a layer: blocks read `masks[i]`. */
  forward(_x: tf.Tensor, _context: ForwardContext): tf.Tensor {
    throw new Error('EdgeImportance holds parameters only; it has no forward');
  }
}
