import * as tf from '@tensorflow/tfjs-core';
import { defaultGenerator, type Generator } from '../generator.js';
import { Module, type ForwardContext } from '../module.js';

export interface DropoutOptions {
  /** Probability of zeroing an element. Default 0.5. */
  p?: number;
  /** Source of the masks; a seed reproduces them. Default: the default generator. */
  generator?: Generator;
}

/**
 * Inverted dropout, as `torch.nn.Dropout`: in training mode each element is zeroed with
 * probability p and the rest scaled by 1/(1-p); in eval mode the identity. Any shape.
 */
export class Dropout extends Module {
  readonly p: number;
  private readonly generator: Generator;

  constructor(options: DropoutOptions = {}) {
    super();
    this.p = options.p ?? 0.5;
    if (!(this.p >= 0 && this.p < 1)) throw new RangeError(`Dropout: p must be in [0, 1), got ${this.p}`);
    this.generator = options.generator ?? defaultGenerator;
  }

  forward(x: tf.Tensor, _context?: ForwardContext): tf.Tensor {
    if (!this.training || this.p === 0) return x;
    const seed = this.generator.nextSeed();
    return tf.tidy(() => {
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), this.p), 'float32');
      return tf.mul(x, tf.mul(keep, 1 / (1 - this.p)));
    });
  }
}
