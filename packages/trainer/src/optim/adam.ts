import * as tf from '@tensorflow/tfjs-core';
import { AdamUpdate, type AdamUpdateAttrs } from '@skelnorm/nn';
import { Optimizer, type AdamSpec, type AdamWSpec } from './optimizer.js';

/**
 * Adam as `torch.optim.Adam` (Kingma & Ba, https://arxiv.org/abs/1412.6980); its subclass
 * {@link AdamW} decouples the weight decay (Loshchilov & Hutter, https://arxiv.org/abs/1711.05101):
 * ```
 * Adam:  g = grad + weightDecay * p        AdamW: p = p * (1 - lr * weightDecay); g = grad
 * m = b1 m + (1 - b1) g
 * v = b2 v + (1 - b2) g^2
 * p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * ```
 * eps is added outside the square root, as PyTorch does. Defaults: betas [0.9, 0.999], eps 1e-8,
 * weightDecay 0 (Adam) / 0.01 (AdamW). Slots: `exp_avg`, `exp_avg_sq`.
 */
export class Adam extends Optimizer {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly decoupled: boolean;

  constructor(params: Iterable<readonly [string, tf.Variable]>, spec: Omit<AdamSpec, 'name'> | AdamWSpec) {
    const decoupled = 'name' in spec && spec.name === 'adamw';
    super(params, decoupled ? (spec as AdamWSpec) : { ...spec, name: 'adam' });
    this.decoupled = decoupled;
    [this.beta1, this.beta2] = spec.betas ?? [0.9, 0.999];
    this.eps = spec.eps ?? 1e-8;
    this.weightDecay = spec.weightDecay ?? (decoupled ? 0.01 : 0);
  }

  protected update(name: string, p: tf.Variable, grad: tf.Tensor): void {
    const m = this.slot(name, 'exp_avg', p);
    const v = this.slot(name, 'exp_avg_sq', p);
    if (tf.getKernel(AdamUpdate, tf.getBackend()) !== undefined) {
      // The same formula fused into one pass (wasm), bit for bit.
      const attrs: AdamUpdateAttrs = {
        lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps,
        weightDecay: this.weightDecay, decoupled: this.decoupled, step: this.stepCount,
      };
      const [pNext, mNext, vNext] = tf.engine().runKernel(AdamUpdate, { param: p, grad, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      m.assign(mNext!);
      v.assign(vNext!);
      p.assign(pNext!);
      return;
    }
    const t = this.stepCount;
    let g = grad;
    let param: tf.Tensor = p;
    if (this.weightDecay !== 0) {
      if (this.decoupled) param = tf.mul(p, 1 - this.lr * this.weightDecay);
      else g = tf.add(g, tf.mul(p, this.weightDecay));
    }
    const mNext = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
    const vNext = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
    m.assign(mNext);
    v.assign(vNext);
    const stepSize = this.lr / (1 - this.beta1 ** t);
    const denom = tf.add(tf.div(tf.sqrt(vNext), Math.sqrt(1 - this.beta2 ** t)), this.eps);
    p.assign(tf.sub(param, tf.mul(tf.div(mNext, denom), stepSize)));
  }
}

/** `torch.optim.AdamW`: Adam with decoupled weight decay (default 0.01). See {@link Adam}. */
export class AdamW extends Adam {
  constructor(params: Iterable<readonly [string, tf.Variable]>, spec: Omit<AdamWSpec, 'name'>) {
    super(params, { ...spec, name: 'adamw' });
  }
}
