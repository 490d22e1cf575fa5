import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '@skelnorm/nn';
import type { Batch } from './batch.js';

/** Result of {@link findNonFiniteLayer}. */
export interface NonFiniteLayer {
  /** The input batch itself holds NaN/Inf. */
  readonly inputNonFinite: boolean;
  /** Dotted path of the first module, in execution order, whose output holds NaN/Inf ('' = the model). */
  readonly layer?: string;
  /** Its class name. */
  readonly layerType?: string;
}

/**
 * Re-runs the forward pass of `batch` (in the model's current mode) with a forward hook on every
 * module, and names the first module whose output holds NaN/Inf. Hooks fire when a module's
 * forward returns, so a layer is seen before the container around it: the first non-finite
 * output is the innermost layer that produced it. Buffers (running statistics) are restored, so
 * the diagnosis changes no state. Reads values asynchronously (works on WebGPU).
 */
export async function findNonFiniteLayer(model: Module, batch: Batch): Promise<NonFiniteLayer> {
  const saved = model.namedBuffers().map(([, v]) => [v, tf.clone(v)] as const);
  const seen: { path: string; type: string; finite: tf.Tensor }[] = [];
  const removers = model.namedModules().map(([path, module]) =>
    module.registerForwardHook((m, _input, output) => {
      seen.push({ path, type: m.constructor.name, finite: tf.keep(tf.all(tf.isFinite(output))) });
    }),
  );
  const inputFinite = tf.tidy(() => tf.all(tf.isFinite(batch.x)));
  try {
    tf.tidy(() => {
      model.call(batch.x, batch.mask ? { mask: batch.mask } : {});
    });
  } catch {
    // A layer that throws on NaN input still leaves the hooks that fired before it.
  } finally {
    for (const remove of removers) remove();
    for (const [v, copy] of saved) {
      v.assign(copy);
      copy.dispose();
    }
  }
  try {
    const inputNonFinite = !(await inputFinite.data())[0];
    for (const entry of seen) {
      if (!(await entry.finite.data())[0]) return { inputNonFinite, layer: entry.path, layerType: entry.type };
    }
    return { inputNonFinite };
  } finally {
    inputFinite.dispose();
    tf.dispose(seen.map((e) => e.finite));
  }
}
