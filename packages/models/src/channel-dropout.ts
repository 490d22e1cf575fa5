import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext, type Generator } from '@skelnorm/nn';

/**
 * Channel dropout, as `torch.nn.Dropout2d`: in training mode each whole feature map (one channel
 * of one sample) is zeroed with probability p and the rest scaled by 1/(1-p); identity in eval.
 * Shape [N, H, W, C] (mask [N, 1, 1, C]); on [N, C] input, like PyTorch 1.x's Dropout2d, each
 * element is its own channel (plain dropout).
 */
export class ChannelDropout extends Module {
  constructor(readonly p: number, private readonly generator: Generator) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`ChannelDropout: p must be in [0, 1), got ${p}`);
  }

  forward(x: tf.Tensor, _context: ForwardContext): tf.Tensor {
    if (!this.training || this.p === 0) return x;
    const seed = this.generator.nextSeed();
    return tf.tidy(() => {
      const [n = 0] = x.shape;
      const c = x.shape[x.rank - 1] ?? 0;
      const shape = x.rank > 2 ? [n, ...new Array<number>(x.rank - 2).fill(1), c] : x.shape;
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(shape, 0, 1, 'float32', seed), this.p), 'float32');
      return tf.mul(x, tf.mul(keep, 1 / (1 - this.p)));
    });
  }
}
