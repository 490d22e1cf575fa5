import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCpuAndWasm, pseudoRandom, runOn } from '../test-support/backends.js';
import { collapsePermutation } from './transpose.js';

beforeAll(loadCpuAndWasm);

const CASES: readonly { name: string; shape: number[]; perm: number[] }[] = [
  { name: 'a matrix larger than one tile, ragged edges', shape: [70, 45], perm: [1, 0] },
  { name: 'NHWC to CNHW (the conv filter gradient)', shape: [3, 5, 4, 6], perm: [3, 0, 1, 2] },
  { name: 'a batch of matrices', shape: [3, 33, 7], perm: [0, 2, 1] },
  { name: 'batched after merging axes', shape: [2, 3, 4, 5, 6], perm: [0, 1, 4, 2, 3] },
  { name: 'size-1 axes anywhere', shape: [1, 9, 1, 4], perm: [3, 2, 1, 0] },
  { name: 'SIMD: a matrix of multiples of 4', shape: [64, 48], perm: [1, 0] },
  { name: 'SIMD: NHWC to CNHW with 8 channels', shape: [4, 3, 2, 8], perm: [3, 0, 1, 2] },
  { name: 'SIMD: a batch of 4x4-block matrices', shape: [3, 8, 12], perm: [0, 2, 1] },
  { name: 'not a matrix transpose (falls back)', shape: [2, 3, 4], perm: [2, 0, 1] },
  { name: 'a general permutation (falls back)', shape: [2, 3, 4, 5], perm: [2, 0, 3, 1] },
  { name: 'identity', shape: [4, 5], perm: [0, 1] },
];

describe('Transpose on wasm (tiled matrix transposes)', () => {
  it('merges neighbouring axes and drops size-1 ones', () => {
    expect(collapsePermutation([8, 4, 5, 3], [3, 0, 1, 2])).toEqual({ shape: [160, 3], perm: [1, 0] });
    expect(collapsePermutation([2, 3, 4, 5, 6], [0, 1, 4, 2, 3])).toEqual({ shape: [6, 20, 6], perm: [0, 2, 1] });
    expect(collapsePermutation([1, 9, 1, 4], [3, 2, 1, 0])).toEqual({ shape: [9, 4], perm: [1, 0] });
    expect(collapsePermutation([2, 3, 4, 5], [2, 0, 3, 1])).toEqual({ shape: [2, 3, 4, 5], perm: [2, 0, 3, 1] });
  });

  it.each(CASES)('matches cpu: $name', async (c) => {
    const values = pseudoRandom(tf.util.sizeFromShape(c.shape), 41);
    const compute = () => tf.transpose(tf.tensor(values, c.shape), c.perm);
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(actual.shape).toEqual(expected.shape);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
  });

  it.each(['int32', 'bool'] as const)('transposes %s matrices', async (dtype) => {
    const shape = dtype === 'int32' ? [36, 44] : [37, 41];
    const values = Array.from(pseudoRandom(shape[0]! * shape[1]!, 42), (v) => (dtype === 'bool' ? Number(v > 0) : Math.round(v * 100)));
    const compute = () => tf.transpose(tf.tensor(values, shape, dtype));
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(actual.values).toBeInstanceOf(dtype === 'bool' ? Uint8Array : Int32Array);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
  });
});
