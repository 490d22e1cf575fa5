import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pairwiseSplit } from './leading-axes-reduction.js';
import { loadCpuAndWasm, maxScaledError, pseudoRandom, runOn } from '../test-support/backends.js';

beforeAll(loadCpuAndWasm);

interface ReductionCase {
  readonly name: string;
  readonly shape: number[];
  readonly axis: number | number[];
  readonly keepDims?: boolean;
  readonly dtype?: 'float32' | 'int32';
}

const CASES: readonly ReductionCase[] = [
  { name: 'bias gradient [N,H,W,C] -> [C]', shape: [8, 16, 25, 32], axis: [0, 1, 2] },
  { name: 'BatchNorm statistics, keepDims', shape: [4, 6, 5, 3], axis: [0, 1, 2], keepDims: true },
  { name: 'axes given out of order and negative', shape: [4, 6, 5, 3], axis: [-3, 0] },
  { name: 'dense bias gradient [N,F] -> [F]', shape: [64, 60], axis: 0 },
  { name: 'one leading axis of rank 3', shape: [5, 4, 3], axis: 0, keepDims: true },
  { name: 'innermost axis (original kernel)', shape: [4, 6, 5], axis: -1 },
  { name: 'middle axes (original kernel)', shape: [4, 6, 5, 3], axis: [1, 2] },
  { name: 'every axis (original kernel)', shape: [4, 6, 5], axis: [0, 1, 2] },
  { name: 'int32 (original kernel)', shape: [6, 4], axis: 0, dtype: 'int32' },
];

describe.each([
  ['Sum', tf.sum],
  ['Mean', tf.mean],
] as const)('%s on wasm (leading axes as average pools)', (_, reduce) => {
  it.each(CASES)('matches cpu: $name', async (c) => {
    const values = pseudoRandom(tf.util.sizeFromShape(c.shape), 31);
    const data = c.dtype === 'int32' ? Int32Array.from(values, (v) => Math.round(v * 50)) : values;
    const compute = () => reduce(tf.tensor(data, c.shape, c.dtype ?? 'float32'), c.axis, c.keepDims ?? false);
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(actual.shape).toEqual(expected.shape);
    expect(maxScaledError(actual.values, expected.values)).toBeLessThanOrEqual(1e-4);
  });
});

describe('leading-axes reductions on wasm: accuracy', () => {
  it('splits the rows in two passes of about sqrt(rows)', () => {
    expect(pairwiseSplit(51_200)).toBe(200);
    expect(pairwiseSplit(64 * 25)).toBe(40);
    expect(pairwiseSplit(101)).toBe(1); // prime: one pass
    expect(pairwiseSplit(6)).toBe(1);
  });

  it('averages 51,200 copies of a value to within a few ulp (one float32 pass drifts by ~1e-3)', async () => {
    await tf.setBackend('wasm');
    const value = Math.fround(0.1234567);
    const result = tf.tidy(() => tf.mean(tf.fill([32, 64, 25, 2], value), [0, 1, 2]));
    const [mean] = await result.data();
    result.dispose();
    expect(Math.abs(mean! - value) / value).toBeLessThan(3e-5);
  });
});
