import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCpuAndWasm, maxScaledError, pseudoRandom, runOn } from '../test-support/backends.js';

beforeAll(loadCpuAndWasm);

interface SegmentCase {
  readonly name: string;
  readonly xShape: number[];
  readonly ids: number[];
  readonly numSegments: number;
  readonly dtype?: 'float32' | 'int32';
}

const CASES: readonly SegmentCase[] = [
  { name: 'vector', xShape: [6], ids: [0, 2, 1, 2, 0, 0], numSegments: 3 },
  { name: 'rows of a matrix', xShape: [5, 3], ids: [3, 0, 3, 1, 0], numSegments: 4 },
  { name: 'rank-3 values', xShape: [4, 2, 3], ids: [1, 1, 0, 1], numSegments: 2 },
  { name: 'all in one segment', xShape: [7, 3], ids: [2, 2, 2, 2, 2, 2, 2], numSegments: 3 },
  { name: 'empty segments (numSegments > max id + 1)', xShape: [3, 2], ids: [0, 0, 1], numSegments: 6 },
  { name: 'negative ids are dropped', xShape: [4, 2], ids: [-1, 0, 1, -1], numSegments: 2 },
  { name: 'int32 values', xShape: [5, 2], ids: [1, 0, 1, 1, 0], numSegments: 2, dtype: 'int32' },
  { name: 'gather gradient size (embedding)', xShape: [64, 16], ids: Array.from({ length: 64 }, (_, i) => (i * 7) % 25), numSegments: 25 },
];

describe('UnsortedSegmentSum on wasm (selector matMul)', () => {
  it('is registered for wasm, which has none of its own', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  it.each(CASES)('matches cpu: $name', async (c) => {
    const size = tf.util.sizeFromShape(c.xShape);
    const values = c.dtype === 'int32' ? Int32Array.from(pseudoRandom(size, 7), (v) => Math.round(v * 100)) : pseudoRandom(size, 7);
    const compute = () => tf.unsortedSegmentSum(tf.tensor(values, c.xShape, c.dtype ?? 'float32'), tf.tensor1d(c.ids, 'int32'), c.numSegments);
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(actual.shape).toEqual(expected.shape);
    // (cpu returns float32 for int32 input; ours keeps x's dtype, as TensorFlow does.)
    if (c.dtype === 'int32') expect(actual.values).toBeInstanceOf(Int32Array);
    expect(maxScaledError(actual.values, expected.values)).toBeLessThanOrEqual(1e-4);
  });

  it('makes the gradient of gather trainable on wasm', async () => {
    const compute = () => {
      const table = tf.tensor2d(pseudoRandom(10 * 4, 8), [10, 4]);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor1d([3, 1, 3, 9], 'int32')))))(table);
    };
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(maxScaledError(actual.values, expected.values)).toBeLessThanOrEqual(1e-4);
  });
});
