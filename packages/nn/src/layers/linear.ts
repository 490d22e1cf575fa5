import * as tf from '@tensorflow/tfjs-core';
import type { Generator } from '../generator.js';
import { biasUniform, kaimingUniform } from '../init.js';
import { Module, type ForwardContext } from '../module.js';
import { linearWeightLayout } from '../torch-layout.js';

export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** Learnable additive bias. Default true. */
  bias?: boolean;
  /** Source of the initial weights. Default: the default generator (`manualSeed`). */
  generator?: Generator;
}

const DEFAULTS = { bias: true } as const;

/**
 * y = x W + b, as `torch.nn.Linear`. Weight stored [in, out] (PyTorch: (out, in); converted on
 * import/export). Init: PyTorch's kaiming-uniform(a=sqrt(5)) weight, U(+-1/sqrt(in)) bias.
 * Shape: [*, in] -> [*, out].
 */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;

  constructor(readonly options: LinearOptions) {
    super();
    const { inFeatures, outFeatures } = options;
    assertPositiveInt('Linear', { inFeatures, outFeatures });
    this.weight = this.registerParameter(
      'weight',
      kaimingUniform([inFeatures, outFeatures], inFeatures, options.generator),
      linearWeightLayout,
    );
    this.bias = (options.bias ?? DEFAULTS.bias)
      ? this.registerParameter('bias', biasUniform(outFeatures, inFeatures, options.generator))
      : undefined;
  }

  forward(x: tf.Tensor, _context?: ForwardContext): tf.Tensor {
    const { inFeatures } = this.options;
    if (x.shape[x.rank - 1] !== inFeatures) {
      throw new Error(`Linear: expected input [..., ${inFeatures}], got [${x.shape}]`);
    }
    return tf.tidy(() => {
      const flat = x.rank === 2 ? x : tf.reshape(x, [-1, inFeatures]);
      let y = tf.matMul(flat, this.weight);
      if (this.bias) y = tf.add(y, this.bias);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.options.outFeatures]);
    });
  }
}

export function assertPositiveInt(layer: string, values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${layer}: ${name} must be a positive integer, got ${value}`);
  }
}
