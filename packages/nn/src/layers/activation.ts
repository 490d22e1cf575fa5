import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext } from '../module.js';

/** max(0, x), as `torch.nn.ReLU`. Any shape. */
export class ReLU extends Module {
  forward(x: tf.Tensor, _context?: ForwardContext): tf.Tensor {
    return tf.relu(x);
  }
}

/** Passes its input through; a placeholder where a layer is switched off (e.g. `norm: 'none'`). */
export class Identity extends Module {
  forward(x: tf.Tensor, _context?: ForwardContext): tf.Tensor {
    return x;
  }
}
