import * as tf from '@tensorflow/tfjs-core';

/**
 * Hyper-parameters of an optimizer, serializable (saved in checkpoints, sent to worker replicas).
 * Every field keeps PyTorch's meaning and default.
 */
export type OptimizerSpec = SgdSpec | AdamSpec | AdamWSpec;

/** `torch.optim.SGD`. */
export interface SgdSpec {
  readonly name: 'sgd';
  /** Learning rate (the schedule's base). */
  readonly lr: number;
  /** Momentum factor. Default 0. */
  readonly momentum?: number;
  /** Dampening for momentum. Default 0. */
  readonly dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  readonly nesterov?: boolean;
  /** L2 penalty added to the gradient: g + weightDecay * p. Default 0. */
  readonly weightDecay?: number;
}

/** `torch.optim.Adam` (no amsgrad). */
export interface AdamSpec {
  readonly name: 'adam';
  readonly lr: number;
  /** Default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  /** Added to the bias-corrected sqrt(v), outside the square root. Default 1e-8. */
  readonly eps?: number;
  /** L2 penalty added to the gradient (coupled, as PyTorch's Adam). Default 0. */
  readonly weightDecay?: number;
}

/** `torch.optim.AdamW`: Adam with decoupled weight decay p <- p (1 - lr * weightDecay). */
export interface AdamWSpec {
  readonly name: 'adamw';
  readonly lr: number;
  /** Default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  /** Default 1e-8. */
  readonly eps?: number;
  /** Decoupled weight decay. Default 0.01 (PyTorch's AdamW default). */
  readonly weightDecay?: number;
}

/**
 * An optimizer's saved state: the number of steps taken and its per-parameter tensors, named
 * `<parameter>.<slot>` (e.g. `conv1.0.weight.exp_avg`, `fc.weight.momentum_buffer`, PyTorch's
 * slot names). The tensors belong to the caller of `stateDict` (dispose them).
 */
export interface OptimizerState {
  readonly stepCount: number;
  readonly tensors: Record<string, tf.Tensor>;
}

/**
 * The base of the optimizers: parameters by name, the current learning rate (set by the
 * schedule before each step), a step counter and named slot variables.
 *
 * `step(grads)` takes gradients keyed by parameter name and updates the parameters in place
 * inside `tf.tidy`; it creates no tensors that outlive the call apart from its slots.
 */
export abstract class Optimizer {
  /** Learning rate used by the next `step`. */
  lr: number;
  /** Steps taken so far (PyTorch's `state['step']`). */
  stepCount = 0;
  protected readonly params: ReadonlyMap<string, tf.Variable>;
  private readonly slots = new Map<string, tf.Variable>();

  constructor(
    params: Iterable<readonly [string, tf.Variable]>,
    readonly spec: OptimizerSpec,
  ) {
    if (!(spec.lr >= 0)) throw new RangeError(`${spec.name}: lr must be >= 0, got ${spec.lr}`);
    this.lr = spec.lr;
    this.params = new Map(params);
  }

  /** Names of the parameters this optimizer updates, in order. */
  parameterNames(): string[] {
    return [...this.params.keys()];
  }

  /** Applies one update with `grads[name]` for every parameter (all must be present). */
  step(grads: Readonly<Record<string, tf.Tensor>>): void {
    for (const name of this.params.keys()) {
      if (!grads[name]) throw new Error(`${this.spec.name}.step: no gradient for parameter '${name}'`);
    }
    this.stepCount += 1;
    tf.tidy(() => {
      for (const [name, p] of this.params) this.update(name, p, grads[name] as tf.Tensor);
    });
  }

  /** The update of one parameter; runs inside `tf.tidy`, `stepCount` already incremented. */
  protected abstract update(name: string, p: tf.Variable, g: tf.Tensor): void;

  /** The slot `slot` of parameter `name`, created as zeros on first use. */
  protected slot(name: string, slot: string, like: tf.Tensor): tf.Variable {
    const key = `${name}.${slot}`;
    let v = this.slots.get(key);
    if (!v) {
      v = tf.variable(tf.zerosLike(like), false);
      this.slots.set(key, v);
    }
    return v;
  }

  protected hasSlot(name: string, slot: string): boolean {
    return this.slots.has(`${name}.${slot}`);
  }

  /** Copies of the step counter and every slot (the caller disposes the tensors). */
  stateDict(): OptimizerState {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [key, v] of this.slots) tensors[key] = tf.clone(v);
    return { stepCount: this.stepCount, tensors };
  }

  /** Restores a state from `stateDict` (copies the tensors; the caller still owns them). */
  loadStateDict(state: OptimizerState): void {
    const names = new Set(this.params.keys());
    for (const key of Object.keys(state.tensors)) {
      const owner = [...names].find((n) => key.startsWith(`${n}.`) && !key.slice(n.length + 1).includes('.'));
      if (!owner) throw new Error(`${this.spec.name}.loadStateDict: state '${key}' belongs to no parameter`);
      const p = this.params.get(owner) as tf.Variable;
      const t = state.tensors[key] as tf.Tensor;
      if (t.shape.join() !== p.shape.join()) {
        throw new Error(`${this.spec.name}.loadStateDict: '${key}' has shape [${t.shape}], parameter '${owner}' is [${p.shape}]`);
      }
    }
    this.disposeSlots();
    for (const [key, t] of Object.entries(state.tensors)) this.slots.set(key, tf.variable(tf.clone(t), false));
    this.stepCount = state.stepCount;
  }

  private disposeSlots(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }

  /** Frees the slots (not the parameters). */
  dispose(): void {
    this.disposeSlots();
  }
}
