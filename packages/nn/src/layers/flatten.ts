import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext } from '../module.js';

export interface FlattenOptions {
  /**
   * Order of the flattened features of an [N, H, W, C] map. `channels-first` gives PyTorch's
   * order (C, H, W), so a Linear layer after it takes PyTorch weights unchanged; `channels-last`
   * (H, W, C) skips a transpose. Default `channels-last`.
   */
  order?: 'channels-last' | 'channels-first';
}

/** [N, ...] -> [N, prod(...)], as `torch.nn.Flatten()` (start_dim 1). */
export class Flatten extends Module {
  readonly order: 'channels-last' | 'channels-first';

  constructor(options: FlattenOptions = {}) {
    super();
    this.order = options.order ?? 'channels-last';
  }

  forward(x: tf.Tensor, _context?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const [n = 0] = x.shape;
      const ordered = this.order === 'channels-first' && x.rank > 2
        ? tf.transpose(x, [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)])
        : x;
      return tf.reshape(ordered, [n, -1]);
    });
  }
}
