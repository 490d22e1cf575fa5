import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GroupNorm, LayerNorm } from './index.js';
import { toleranceRatio, useCpu, values } from './test-support/tf.js';

beforeAll(useCpu);

describe('LayerNorm', () => {
  it('normalizes each row over the trailing dims (hand calculation)', async () => {
    const ln = new LayerNorm({ normalizedShape: 2 });
    // Row [1, 3]: mean 2, biased var 1 -> [-1, 1]; row [0, 0] -> [0, 0].
    const y = await values(ln.call(tf.tensor2d([[1, 3], [0, 0]])));
    expect(toleranceRatio(y, [-1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1 + 1e-5), 0, 0])).toBeLessThanOrEqual(1);
    expect(Object.keys(ln.stateDict())).toEqual(['weight', 'bias']);
    expect(() => ln.call(tf.ones([2, 3]))).toThrow(/LayerNorm: expected input \[\*, 2\]/);
    expect(new LayerNorm({ normalizedShape: [2], elementwiseAffine: false }).parameters()).toEqual([]);
  });
});

describe('GroupNorm', () => {
  it('normalizes channel groups over all positions, per sample (hand calculation)', async () => {
    const gn = new GroupNorm({ numGroups: 2, numChannels: 4 });
    // One sample, 2 positions, channels [a, b | c, d]: group 0 = {1, 3, 5, 7} mean 4 var 5.
    const x = tf.tensor3d([[[1, 3, 10, 10], [5, 7, 10, 10]]]);
    const s = Math.sqrt(5 + 1e-5);
    const y = await values(gn.call(x));
    expect(toleranceRatio(y, [-3 / s, -1 / s, 0, 0, 1 / s, 3 / s, 0, 0])).toBeLessThanOrEqual(1);
  });

  it('is independent of the batch: train and eval equal, each sample alone equal', async () => {
    const gn = new GroupNorm({ numGroups: 3, numChannels: 6 });
    const x = tf.randomNormal([3, 4, 4, 6], 2, 3, 'float32', 5);
    const all = await values(gn.call(x));
    expect(await values(gn.eval().call(x))).toEqual(all);
    const first = await values(gn.call(tf.slice(x, [0, 0, 0, 0], [1, 4, 4, 6])));
    expect(toleranceRatio(first, all.slice(0, first.length))).toBeLessThanOrEqual(1);
  });

  it('requires groups that divide the channels and channels-last input', () => {
    expect(() => new GroupNorm({ numGroups: 4, numChannels: 6 })).toThrow(/numChannels \(6\) must be divisible by numGroups \(4\)/);
    expect(() => new GroupNorm({ numGroups: 2, numChannels: 6 }).call(tf.ones([2, 6, 3, 3]))).toThrow(/channels-last/);
  });
});
