import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '../index.js';
import { prefersSwappedProduct } from './batch-mat-mul.js';
import { loadCpuAndWasm, maxScaledError, pseudoRandom, runOn } from '../test-support/backends.js';

beforeAll(loadCpuAndWasm);

interface MatMulCase {
  readonly name: string;
  readonly aShape: number[];
  readonly bShape: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

const CASES: readonly MatMulCase[] = [
  { name: 'plain (original kernel)', aShape: [4, 5], bShape: [5, 3], transposeA: false, transposeB: false },
  { name: 'transposeA', aShape: [5, 4], bShape: [5, 3], transposeA: true, transposeB: false },
  { name: 'transposeB', aShape: [4, 5], bShape: [3, 5], transposeA: false, transposeB: true },
  { name: 'both', aShape: [5, 4], bShape: [3, 5], transposeA: true, transposeB: true },
  { name: 'batched transposeA', aShape: [3, 6, 2], bShape: [3, 6, 4], transposeA: true, transposeB: false },
  { name: 'broadcast batch, transposeB', aShape: [1, 2, 3, 5], bShape: [4, 1, 7, 5], transposeA: false, transposeB: true },
  { name: 'dense backward sizes (dW = x^T dy)', aShape: [64, 3072], bShape: [64, 512], transposeA: true, transposeB: false },
  { name: 'dense backward sizes (dx = dy W^T)', aShape: [64, 512], bShape: [3072, 512], transposeA: false, transposeB: true },
  { name: 'dense forward, wide right operand (computed swapped)', aShape: [8, 300], bShape: [300, 200], transposeA: false, transposeB: false },
  { name: 'swapped with transposeB', aShape: [8, 60], bShape: [300, 60], transposeA: false, transposeB: true },
  { name: 'swapped with transposeA', aShape: [60, 8], bShape: [60, 300], transposeA: true, transposeB: false },
  { name: 'swapped with both', aShape: [60, 8], bShape: [300, 60], transposeA: true, transposeB: true },
  { name: 'rank-3 with batch 1, swapped', aShape: [1, 8, 60], bShape: [1, 60, 300], transposeA: false, transposeB: false },
];

describe('BatchMatMul on wasm (transposes made explicit)', () => {
  it.each(CASES)('matches cpu: $name', async (c) => {
    const a = pseudoRandom(tf.util.sizeFromShape(c.aShape), 11);
    const b = pseudoRandom(tf.util.sizeFromShape(c.bShape), 12);
    const compute = () => tf.matMul(tf.tensor(a, c.aShape), tf.tensor(b, c.bShape), c.transposeA, c.transposeB);
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(actual.shape).toEqual(expected.shape);
    expect(maxScaledError(actual.values, expected.values)).toBeLessThanOrEqual(1e-4);
  });

  it('leaks no tensors and no backend data', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor(pseudoRandom(30, 1), [5, 6]);
    const b = tf.tensor(pseudoRandom(42, 2), [7, 6]);
    const wide = tf.tensor(pseudoRandom(6 * 400, 3), [6, 400]);
    const before = { tensors: tf.memory().numTensors, dataIds: tf.backend().numDataIds() };
    tf.dispose([tf.matMul(a, b, false, true), tf.matMul(a, a, true, false), tf.matMul(b, a, false, true), tf.matMul(a, wide)]);
    expect({ tensors: tf.memory().numTensors, dataIds: tf.backend().numDataIds() }).toEqual(before);
    tf.dispose([a, b, wide]);
  });

  it('packs the narrower operand: swaps wide dense products, not tall ones', () => {
    expect(prefersSwappedProduct(32, 3072, 512, false, false)).toBe(true); // seed CNN fc1 forward
    expect(prefersSwappedProduct(32, 512, 3072, false, true)).toBe(true); // its input gradient
    expect(prefersSwappedProduct(3072, 32, 512, true, false)).toBe(false); // its weight gradient
    expect(prefersSwappedProduct(288, 12288, 64, false, false)).toBe(false);
    expect(prefersSwappedProduct(64, 64, 64, false, false)).toBe(false);
  });

  it('unregister restores the wasm kernels, register is idempotent', () => {
    const ours = tf.getKernel('BatchMatMul', 'wasm');
    expect(registerWasmTrainingKernels()).toContain('BatchMatMul');
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(ours);
    unregisterWasmTrainingKernels();
    const original = tf.getKernel('BatchMatMul', 'wasm');
    expect(original).toBeDefined();
    expect(original).not.toBe(ours);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    registerWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    unregisterWasmTrainingKernels();
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(original);
    expect(registerWasmTrainingKernels(['Conv2DBackpropFilter'])).toEqual(['Conv2DBackpropFilter']);
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(original);
    expect(() => registerWasmTrainingKernels(['Conv3D'])).toThrow(/no kernel Conv3D/);
    registerWasmTrainingKernels();
  });
});
