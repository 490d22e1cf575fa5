import type * as tf from '@tensorflow/tfjs-core';
import { Adam, AdamW } from './adam.js';
import type { Optimizer, OptimizerSpec } from './optimizer.js';
import { SGD } from './sgd.js';

/**
 * The optimizer a spec describes, over named parameters (`model.namedParameters()`), like
 * `torch.optim.SGD(model.parameters(), lr=...)`.
 */
export function createOptimizer(params: Iterable<readonly [string, tf.Variable]>, spec: OptimizerSpec): Optimizer {
  switch (spec.name) {
    case 'sgd': return new SGD(params, spec);
    case 'adam': return new Adam(params, spec);
    case 'adamw': return new AdamW(params, spec);
    default: throw new Error(`createOptimizer: unknown optimizer '${(spec as { name: string }).name}' (sgd, adam, adamw)`);
  }
}
