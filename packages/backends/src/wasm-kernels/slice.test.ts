import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCpuAndWasm, pseudoRandom, runOn } from '../test-support/backends.js';

beforeAll(loadCpuAndWasm);

interface SliceCase {
  readonly name: string;
  readonly shape: number[];
  readonly begin: number[];
  readonly size: number[];
}

const SLICES: readonly SliceCase[] = [
  { name: 'one person of a skeleton batch (rank 5)', shape: [4, 2, 6, 25, 3], begin: [0, 1, 0, 0, 0], size: [4, 1, 6, 25, 3] },
  { name: 'a box inside every axis (rank 5)', shape: [3, 4, 5, 6, 2], begin: [1, 1, 2, 3, 1], size: [2, 2, 3, 2, 1] },
  { name: 'rank 6, last axis partial', shape: [2, 2, 3, 2, 2, 5], begin: [0, 1, 1, 0, 1, 2], size: [2, 1, 2, 2, 1, 3] },
  { name: 'rank 5, whole tensor', shape: [2, 3, 2, 2, 2], begin: [0, 0, 0, 0, 0], size: [2, 3, 2, 2, 2] },
  { name: 'rank 5, size -1 to the end', shape: [2, 3, 4, 2, 2], begin: [1, 0, 2, 0, 1], size: [-1, -1, -1, -1, -1] },
  { name: 'rank 4 rows', shape: [3, 4, 5, 6], begin: [1, 0, 2, 1], size: [2, 4, 2, 4] },
  { name: 'rank 1', shape: [17], begin: [5], size: [7] },
  { name: 'empty result', shape: [3, 4, 2, 2, 2], begin: [1, 0, 0, 0, 0], size: [0, 4, 2, 2, 2] },
];

describe('Slice and Unpack on wasm (contiguous runs)', () => {
  it.each(SLICES)('slice matches cpu: $name', async (c) => {
    const values = pseudoRandom(tf.util.sizeFromShape(c.shape), 31);
    const compute = () => tf.slice(tf.tensor(values, c.shape), c.begin, c.size);
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(actual.shape).toEqual(expected.shape);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
  });

  it.each(['int32', 'bool'] as const)('slices %s tensors of rank 5', async (dtype) => {
    const shape = [2, 3, 2, 4, 3];
    const values = Array.from(pseudoRandom(tf.util.sizeFromShape(shape), 32), (v) => (dtype === 'bool' ? Number(v > 0) : Math.round(v * 100)));
    const compute = () => tf.slice(tf.tensor(values, shape, dtype), [1, 1, 0, 1, 1], [1, 2, 2, 2, 2]);
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
  });

  it.each([0, 1, 2, 4, -1])('unstack of a rank-5 tensor along axis %i matches cpu', async (axis) => {
    const shape = [3, 2, 4, 5, 3];
    const values = pseudoRandom(tf.util.sizeFromShape(shape), 33);
    const compute = () => tf.stack(tf.unstack(tf.tensor(values, shape), axis).map((t, k) => tf.mul(t, k + 1)));
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(actual.shape).toEqual(expected.shape);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
  });

  it('the gradient through a rank-5 slice matches cpu', async () => {
    const shape = [2, 2, 3, 4, 3];
    const values = pseudoRandom(tf.util.sizeFromShape(shape), 34);
    const weights = pseudoRandom(2 * 1 * 3 * 4 * 3, 35);
    const compute = () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.slice(x, [0, 1, 0, 0, 0], [2, 1, 3, 4, 3]), tf.tensor(weights, [2, 1, 3, 4, 3]))))(tf.tensor(values, shape));
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
  });
});

describe('Identity on wasm (shared memory)', () => {
  it('a clone shares memory yet outlives its source, and a variable assigned from it keeps its values', async () => {
    await tf.setBackend('wasm');
    const buffers = () => tf.engine().backend.numDataIds();
    const before = buffers();
    const source = tf.tensor([1, 2, 3, 4], [2, 2]);
    const copy = tf.clone(source);
    expect(buffers() - before).toBe(1); // one buffer for both
    source.dispose();
    expect(Array.from(await copy.data())).toEqual([1, 2, 3, 4]);
    const v = tf.variable(copy);
    copy.dispose();
    tf.tidy(() => v.assign(tf.add(v, 1)));
    expect(Array.from(await v.data())).toEqual([2, 3, 4, 5]);
    v.dispose();
    expect(buffers()).toBe(before);
  });

  it('gradients that save their inputs match cpu', async () => {
    const values = pseudoRandom(24, 36);
    const compute = () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.exp(x), tf.sqrt(tf.add(tf.square(x), 1)))))(tf.tensor(values, [2, 3, 4]));
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    for (let i = 0; i < values.length; i++) expect(actual.values[i]).toBeCloseTo(expected.values[i]!, 5);
  });
});

describe('Cast on wasm (same dtype shares memory)', () => {
  it('a cast to the same dtype shares memory; a real conversion converts', async () => {
    await tf.setBackend('wasm');
    const buffers = () => tf.engine().backend.numDataIds();
    const before = buffers();
    const source = tf.tensor([1.5, -2.5, 3, 0], [2, 2]);
    const same = tf.cast(source, 'float32');
    expect(buffers() - before).toBe(1);
    source.dispose();
    expect(Array.from(await same.data())).toEqual([1.5, -2.5, 3, 0]);
    const ints = tf.cast(same, 'int32');
    const bools = tf.cast(same, 'bool');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([1, -2, 3, 0]);
    expect(Array.from(await bools.data())).toEqual([1, 1, 1, 0]); // wasm's own gave [1, 254, 3, 0]
    const small = tf.tensor1d([0.5, -0, Number.NaN]);
    const half = tf.cast(small, 'bool');
    expect(Array.from(await half.data())).toEqual([1, 0, 1]);
    tf.dispose([small, half]);
    tf.dispose([same, ints, bools]);
    expect(buffers()).toBe(before);
  });
});
