import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext } from '../module.js';
import { pair, type Pair } from './conv2d.js';

export interface MaxPool2dOptions {
  kernelSize: Pair;
  /** Default: kernelSize, as in PyTorch. */
  stride?: Pair;
}

/**
 * Max pooling without padding, floor mode (PyTorch's default `ceil_mode=False`), channels last.
 * Shape: [N, H, W, C] -> [N, floor((H - k)/s) + 1, floor((W - k)/s) + 1, C].
 */
export class MaxPool2d extends Module {
  private readonly kernel: [number, number];
  private readonly stride: [number, number];

  constructor(options: MaxPool2dOptions) {
    super();
    this.kernel = pair(options.kernelSize);
    this.stride = pair(options.stride ?? options.kernelSize);
  }

  forward(x: tf.Tensor, _context?: ForwardContext): tf.Tensor {
    if (x.rank !== 4) throw new Error(`MaxPool2d: expected input [N, H, W, C], got [${x.shape}]`);
    return tf.maxPool(x as tf.Tensor4D, this.kernel, this.stride, 'valid');
  }
}
