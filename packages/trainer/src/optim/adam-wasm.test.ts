import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { AdamUpdate } from '@skelnorm/nn';
import { registerWasmTrainingKernels, setupBackend, unregisterWasmTrainingKernels, WASM_TRAINING_KERNEL_NAMES } from '@skelnorm/backends';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOptimizer, type OptimizerSpec } from '../index.js';
import golden from './optim.golden.json' with { type: 'json' };

// The fused Adam kernel (wasm) against PyTorch's numbers and against the op chain it replaces.
beforeAll(async () => {
  await setupBackend({ prefer: 'wasm' });
});
afterAll(() => registerWasmTrainingKernels());

const ADAMS = Object.entries(golden.optimizers).filter(([name]) => name.startsWith('adam'));

/** The golden replay (gradients sin(3p + t), lr halved before step 3), returning the parameters and slots. */
function replay(spec: OptimizerSpec, initial: readonly (readonly number[])[], steps: number): Float32Array[] {
  const vars = initial.map((v, i) => [`p${i}`, tf.variable(tf.tensor(v as number[]))] as const);
  const opt = createOptimizer(vars, spec);
  for (let t = 0; t < steps; t++) {
    if (t === golden.halveLrAtStep) opt.lr *= 0.5;
    const grads = Object.fromEntries(vars.map(([n, v]) => [n, tf.tidy(() => tf.sin(tf.add(tf.mul(v, 3), t)))]));
    opt.step(grads);
    tf.dispose(Object.values(grads));
  }
  const state = opt.stateDict();
  const out = [...vars.map(([, v]) => v.dataSync() as Float32Array), ...Object.values(state.tensors).map((t) => t.dataSync() as Float32Array)];
  tf.dispose(Object.values(state.tensors));
  opt.dispose();
  vars.forEach(([, v]) => v.dispose());
  return out;
}

describe('Adam on wasm: one fused kernel', () => {
  it('is registered for wasm', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel(AdamUpdate, 'wasm')).toBeDefined();
  });

  it.each(ADAMS)('%s matches PyTorch', (_, { spec, params }) => {
    const out = replay(spec as OptimizerSpec, golden.initial as number[][], golden.steps);
    params.forEach((expected, i) => {
      const actual = out[i]!;
      for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k]! - expected[k]!)).toBeLessThanOrEqual(2e-6);
    });
  });

  it.each(ADAMS)('%s gives the op chain\'s bits over 20 steps of a larger tensor (parameters and both slots)', (_, { spec }) => {
    const initial = [Array.from({ length: 3001 }, (_, i) => Math.sin(i * 0.37) * 2), [0, 1e-30, -4]];
    const fused = replay(spec as OptimizerSpec, initial, 20);
    unregisterWasmTrainingKernels();
    registerWasmTrainingKernels(WASM_TRAINING_KERNEL_NAMES.filter((name) => name !== AdamUpdate));
    try {
      expect(tf.getKernel(AdamUpdate, 'wasm')).toBeUndefined();
      const chain = replay(spec as OptimizerSpec, initial, 20);
      expect(fused.length).toBe(chain.length);
      fused.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(chain[i]!)));
    } finally {
      registerWasmTrainingKernels();
    }
  });

  it('leaves no tensors behind: a step replaces the parameter and slot storage', () => {
    const w = tf.variable(tf.ones([5, 4]));
    const opt = createOptimizer([['w', w]], { name: 'adam', lr: 0.01 });
    const grad = tf.fill([5, 4], 0.5);
    opt.step({ w: grad });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) opt.step({ w: grad });
    expect(tf.memory().numTensors).toBe(before);
    expect(w.dataSync()[0]).toBeCloseTo(1 - 4 * 0.01, 5);
    tf.dispose([w, grad]);
    opt.dispose();
  });

  it('refuses mismatched inputs, naming them', () => {
    const [p, g] = [tf.zeros([3]), tf.zeros([4])];
    const attrs = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 };
    expect(() => tf.engine().runKernel(AdamUpdate, { param: p, grad: g, m: p, v: p }, attrs)).toThrow('float32[3], float32[4], float32[3], float32[3]');
    tf.dispose([p, g]);
  });
});
