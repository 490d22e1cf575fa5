import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCpuAndWasm, pseudoRandom, runOn } from '../test-support/backends.js';

beforeAll(loadCpuAndWasm);

async function expectSameOnWasm(compute: () => tf.Tensor): Promise<void> {
  const expected = await runOn('cpu', compute);
  const actual = await runOn('wasm', compute);
  expect(actual.shape).toEqual(expected.shape);
  expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
}

describe('Reverse on wasm (contiguous runs)', () => {
  it.each([
    { name: 'a filter flipped in space', shape: [3, 3, 4, 5], dims: [0, 1] },
    { name: 'the last axis (runs of one)', shape: [3, 4, 5], dims: [2] },
    { name: 'a middle axis only', shape: [2, 5, 3], dims: [1] },
    { name: 'every axis, negative dims', shape: [2, 3, 4], dims: [-1, 0, 1] },
    { name: 'size-1 axes (a copy)', shape: [1, 4, 1], dims: [0, 2] },
    { name: 'rank 1', shape: [7], dims: [0] },
  ])('matches cpu: $name', async (c) => {
    const values = pseudoRandom(tf.util.sizeFromShape(c.shape), 51);
    await expectSameOnWasm(() => tf.reverse(tf.tensor(values, c.shape), c.dims));
  });

  it('reverses int32 tensors', async () => {
    await expectSameOnWasm(() => tf.reverse(tf.tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [0, 1]));
  });
});

describe('GatherV2 on wasm (one copy per index)', () => {
  it.each([
    { name: 'whole samples along axis 0, repeated', shape: [4, 3, 2, 5], indices: [3, 0, 0, 2, 1, 3], axis: 0 },
    { name: 'a middle axis', shape: [2, 5, 3], indices: [4, 1], axis: 1 },
    { name: 'the last axis, negative', shape: [3, 4], indices: [3, 3, 0], axis: -1 },
    { name: 'no indices', shape: [3, 4], indices: [], axis: 0 },
  ])('matches cpu: $name', async (c) => {
    const values = pseudoRandom(tf.util.sizeFromShape(c.shape), 52);
    await expectSameOnWasm(() => tf.gather(tf.tensor(values, c.shape), tf.tensor1d(c.indices, 'int32'), c.axis));
  });

  it('takes indices of rank 2', async () => {
    const values = pseudoRandom(24, 53);
    await expectSameOnWasm(() => tf.gather(tf.tensor(values, [6, 4]), tf.tensor2d([[5, 0], [1, 1]], [2, 2], 'int32')));
  });

  it('refuses an index outside the axis, as cpu does', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([0, 3], 'int32'))).toThrow('GatherV2: the index value 3 is not in [0, 2]');
  });

  it('leaves batched gathers to wasm', async () => {
    const values = pseudoRandom(24, 54);
    await expectSameOnWasm(() => tf.gather(tf.tensor(values, [2, 3, 4]), tf.tensor2d([[2, 0], [1, 1]], [2, 2], 'int32'), 2, 1));
  });
});
