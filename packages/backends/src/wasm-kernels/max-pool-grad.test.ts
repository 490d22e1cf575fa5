import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCpuAndWasm, maxScaledError, pseudoRandom, runOn } from '../test-support/backends.js';

beforeAll(loadCpuAndWasm);

interface PoolCase {
  readonly name: string;
  readonly xShape: [number, number, number, number];
  readonly filterSize: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** Maps the pseudo-random values in [-1, 1). */
  readonly values?: (v: number) => number;
}

const relu = (v: number) => Math.max(0, v);
const CASES: readonly PoolCase[] = [
  { name: '2x2/2 valid, odd width (seed CNN)', xShape: [2, 8, 25, 3], filterSize: 2, strides: 2, pad: 'valid' },
  { name: '2x2/2 valid, odd height and width', xShape: [2, 7, 9, 5], filterSize: 2, strides: 2, pad: 'valid' },
  { name: '2x2/2 same on odd sizes (windows overhang the bottom and right)', xShape: [2, 7, 9, 3], filterSize: 2, strides: 2, pad: 'same' },
  { name: '2x2/2 valid after ReLU (all-zero windows)', xShape: [2, 8, 9, 4], filterSize: 2, strides: 2, pad: 'valid', values: relu },
  { name: 'all negative (wasm native loses these gradients)', xShape: [2, 6, 6, 2], filterSize: 2, strides: 2, pad: 'valid', values: (v) => v - 1.5 },
  { name: 'exact ties (first in row-major order wins)', xShape: [2, 6, 6, 2], filterSize: 2, strides: 2, pad: 'valid', values: (v) => Math.round(v * 2) },
  { name: '2x2/2 SIMD (channels a multiple of 4), odd height and width', xShape: [2, 7, 25, 8], filterSize: 2, strides: 2, pad: 'valid' },
  { name: '2x2/2 SIMD after ReLU (all-zero windows, ties)', xShape: [3, 8, 9, 4], filterSize: 2, strides: 2, pad: 'valid', values: relu },
  { name: '2x2/2 SIMD, exact ties', xShape: [2, 6, 6, 12], filterSize: 2, strides: 2, pad: 'valid', values: (v) => Math.round(v * 2) },
  { name: '2x2/2 SIMD with NaN and -Infinity', xShape: [2, 8, 10, 8], filterSize: 2, strides: 2, pad: 'valid', values: (v) => (v < -0.5 ? Number.NaN : v < 0.2 ? -Infinity : v) },
  { name: '2x2/2 SIMD, all negative', xShape: [1, 6, 6, 4], filterSize: 2, strides: 2, pad: 'valid', values: (v) => v - 1.5 },
  { name: '2x2/2 with NaN (never wins) and -Infinity (windows of nothing else pass no gradient)', xShape: [2, 8, 10, 3], filterSize: 2, strides: 2, pad: 'valid', values: (v) => (v < -0.5 ? Number.NaN : v < 0.2 ? -Infinity : v) },
  { name: '3x3/2 same, overlapping windows add up', xShape: [2, 7, 8, 3], filterSize: 3, strides: 2, pad: 'same' },
  { name: '3x2/[1,2] valid', xShape: [1, 6, 7, 2], filterSize: [3, 2], strides: [1, 2], pad: 'valid' },
  { name: 'numeric pad 1, 3x3/2, ceil rounding', xShape: [2, 7, 7, 2], filterSize: 3, strides: 2, pad: 1, dimRoundingMode: 'ceil' },
  { name: '2x2/1 same, negative values', xShape: [1, 5, 5, 3], filterSize: 2, strides: 1, pad: 'same', values: (v) => v - 0.8 },
];

describe('MaxPoolGrad on wasm (JavaScript loop over the wasm heap)', () => {
  it.each(CASES)('matches cpu: $name', async (c) => {
    const xValues = pseudoRandom(tf.util.sizeFromShape(c.xShape), 21).map(c.values ?? ((v) => v));
    const compute = () => {
      const x = tf.tensor4d(xValues, c.xShape);
      return tf.grad((input: tf.Tensor) => {
        const y = tf.maxPool(input as tf.Tensor4D, c.filterSize, c.strides, c.pad, c.dimRoundingMode);
        return tf.sum(tf.mul(y, tf.tensor(pseudoRandom(y.size, 22), y.shape)));
      })(x);
    };
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(actual.shape).toEqual(c.xShape);
    expect(maxScaledError(actual.values, expected.values)).toBeLessThanOrEqual(1e-4);
  });
});
