import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldPersons, maxMergePersons, personMask, unfoldPersons } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('person helpers', () => {
  it('folds [N, M, ...] into [N*M, ...] sample-major and back', () => {
    const x = tf.tensor3d([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]); // N=2, M=2, 2 features
    const folded = foldPersons(x);
    expect(folded.shape).toEqual([4, 2]);
    expect(folded.arraySync()).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
    expect(unfoldPersons(folded, 2).arraySync()).toEqual(x.arraySync());
    tf.dispose([x, folded]);
  });

  it('merges persons by element-wise max, optionally ignoring padded persons', () => {
    // sample 0: persons [1, 5] and [3, 2] -> [3, 5]; sample 1: [-1, -2] and padding [0, 0] -> [0, 0] plain, [-1, -2] masked
    const f = tf.tensor2d([[1, 5], [3, 2], [-1, -2], [0, 0]]);
    expect(maxMergePersons(f, 2).arraySync()).toEqual([[3, 5], [0, 0]]);
    const mask = tf.tensor2d([[1, 1], [1, 0]]);
    expect(maxMergePersons(f, 2, { mask }).arraySync()).toEqual([[3, 5], [-1, -2]]);
    const none = tf.tensor2d([[0, 0], [1, 0]]);
    expect(maxMergePersons(f, 2, { mask: none }).arraySync()).toEqual([[0, 0], [-1, -2]]);
    expect(() => maxMergePersons(tf.zeros([3, 2]), 2)).toThrow(/multiple of 2/);
    tf.dispose([f, mask, none]);
  });

  it('finds real persons in a batch and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const x = tf.tidy(() => tf.concat([tf.ones([1, 1, 4, 25, 3]), tf.zeros([1, 1, 4, 25, 3])], 1));
    const m = personMask(x);
    expect(m.arraySync()).toEqual([[1, 0]]);
    const merged = maxMergePersons(foldPersons(x), 2, { mask: m });
    merged.dispose();
    tf.dispose([x, m]);
    expect(tf.memory().numTensors).toBe(before + 1); // the folded view that was not disposed
  });
});
