import * as tf from '@tensorflow/tfjs-core';
import { Optimizer, type SgdSpec } from './optimizer.js';

/**
 * Stochastic gradient descent as `torch.optim.SGD`:
 * ```
 * g = grad + weightDecay * p
 * if momentum > 0:
 *   b = g                                   (first step)
 *   b = momentum * b + (1 - dampening) * g  (later steps)
 *   g = nesterov ? g + momentum * b : b
 * p = p - lr * g
 * ```
 * Slot: `momentum_buffer`.
 */
export class SGD extends Optimizer {
  private readonly momentum: number;
  private readonly dampening: number;
  private readonly nesterov: boolean;
  private readonly weightDecay: number;

  constructor(params: Iterable<readonly [string, tf.Variable]>, spec: Omit<SgdSpec, 'name'>) {
    const full: SgdSpec = { ...spec, name: 'sgd' };
    super(params, full);
    this.momentum = spec.momentum ?? 0;
    this.dampening = spec.dampening ?? 0;
    this.nesterov = spec.nesterov ?? false;
    this.weightDecay = spec.weightDecay ?? 0;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError('sgd: Nesterov momentum requires a momentum > 0 and zero dampening');
    }
  }

  protected update(name: string, p: tf.Variable, grad: tf.Tensor): void {
    let g = this.weightDecay !== 0 ? tf.add(grad, tf.mul(p, this.weightDecay)) : grad;
    if (this.momentum !== 0) {
      const first = !this.hasSlot(name, 'momentum_buffer');
      const buf = this.slot(name, 'momentum_buffer', p);
      const next = first ? g : tf.add(tf.mul(buf, this.momentum), tf.mul(g, 1 - this.dampening));
      buf.assign(next);
      g = this.nesterov ? tf.add(g, tf.mul(next, this.momentum)) : next;
    }
    p.assign(tf.sub(p, tf.mul(g, this.lr)));
  }
}
