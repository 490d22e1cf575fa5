import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_NORM_DEFAULTS, BatchNorm1d, BatchNorm2d } from './index.js';
import { toleranceRatio, useCpu, values } from './test-support/tf.js';

beforeAll(useCpu);

describe('BatchNorm', () => {
  it('has PyTorch defaults and state names, num_batches_tracked int32', () => {
    const bn = new BatchNorm2d({ numFeatures: 3 });
    expect(BATCH_NORM_DEFAULTS).toEqual({ eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true });
    expect([bn.eps, bn.momentum, bn.affine, bn.trackRunningStats, bn.training]).toEqual([1e-5, 0.1, true, true, true]);
    const state = bn.stateDict();
    expect(Object.keys(state)).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(state['num_batches_tracked']!.dtype).toBe('int32');
    expect(bn.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    tf.dispose(Object.values(state));
    const bare = new BatchNorm1d({ numFeatures: 2, affine: false, trackRunningStats: false });
    expect(bare.stateDict()).toEqual({});
    expect(new BatchNorm1d({ numFeatures: 2, momentum: null }).momentum).toBeNull();
  });

  it('computes the formula by hand: biased variance to normalize, unbiased into running_var', async () => {
    // One channel, values 1, 2, 3, 6: mean 3, biased var 3.5, unbiased 14/3.
    const bn = new BatchNorm1d({ numFeatures: 1, momentum: 0.5 });
    const y = bn.call(tf.tensor2d([[1], [2], [3], [6]]));
    const s = Math.sqrt(3.5 + 1e-5);
    expect(toleranceRatio(await values(y), [-2 / s, -1 / s, 0, 3 / s])).toBeLessThanOrEqual(1);
    expect(toleranceRatio(await values(bn.runningMean!), [0.5 * 0 + 0.5 * 3])).toBeLessThanOrEqual(1);
    expect(toleranceRatio(await values(bn.runningVar!), [0.5 * 1 + 0.5 * (14 / 3)])).toBeLessThanOrEqual(1);
    expect(await values(bn.numBatchesTracked!)).toEqual([1]);
  });

  it('accepts [N, C] and [N, L, C] (1d) and [N, H, W, C] (2d); names the channels-last shape otherwise', () => {
    const bn1 = new BatchNorm1d({ numFeatures: 3 });
    expect(bn1.call(tf.ones([4, 3])).shape).toEqual([4, 3]);
    expect(bn1.call(tf.ones([4, 5, 3])).shape).toEqual([4, 5, 3]);
    const bn2 = new BatchNorm2d({ numFeatures: 3 });
    expect(() => bn2.call(tf.ones([2, 3, 5, 5]))).toThrow(/channels-last input \[N, H, W, C\] with C = 3.*looks channels-first/);
    expect(() => bn2.call(tf.ones([2, 5, 3]))).toThrow(/\[N, H, W, C\]/);
  });

  it('gives a clear error for a training batch with one value per channel', () => {
    const bn = new BatchNorm1d({ numFeatures: 4 });
    expect(() => bn.call(tf.ones([1, 4]))).toThrow(/BatchNorm1d: expected more than 1 value per channel .*got input \[1,4\]/);
    expect(() => new BatchNorm2d({ numFeatures: 4 }).call(tf.ones([1, 1, 1, 4]))).toThrow(/more than 1 value per channel/);
    bn.eval();
    expect(bn.call(tf.ones([1, 4])).shape).toEqual([1, 4]);
    const noStats = new BatchNorm1d({ numFeatures: 4, trackRunningStats: false }).eval();
    expect(() => noStats.call(tf.ones([1, 4]))).toThrow(/trackRunningStats: false/);
  });

  it('changes running statistics only in training mode; eval normalizes with them', async () => {
    const bn = new BatchNorm2d({ numFeatures: 2 });
    const x = tf.randomNormal([4, 3, 3, 2], 5, 2, 'float32', 3);
    bn.call(x);
    const after = [await values(bn.runningMean!), await values(bn.runningVar!), await values(bn.numBatchesTracked!)];
    bn.eval();
    const y = bn.call(x);
    expect([await values(bn.runningMean!), await values(bn.runningVar!), await values(bn.numBatchesTracked!)]).toEqual(after);
    const expected = tf.div(tf.sub(x, bn.runningMean!), tf.sqrt(tf.add(bn.runningVar!, 1e-5)));
    expect(toleranceRatio(await values(y), await values(expected))).toBeLessThanOrEqual(1);
  });

  it('uses batch statistics in eval mode with trackRunningStats: false', async () => {
    const bn = new BatchNorm1d({ numFeatures: 2, trackRunningStats: false });
    const x = tf.tensor2d([[1, 10], [3, 30]]);
    const train = await values(bn.call(x));
    expect(await values(bn.eval().call(x))).toEqual(train);
  });

  it('rejects invalid options with the argument named', () => {
    expect(() => new BatchNorm1d({ numFeatures: 0 })).toThrow(/numFeatures/);
    expect(() => new BatchNorm1d({ numFeatures: 2, momentum: 1.5 })).toThrow(/momentum must be in \[0, 1\] \(PyTorch convention/);
    expect(() => new BatchNorm1d({ numFeatures: 2, eps: 0 })).toThrow(/eps/);
  });

  it('round-trips options and state: stateDict then loadStateDict gives the same outputs', async () => {
    const a = new BatchNorm2d({ numFeatures: 3, momentum: 0.3 });
    for (let i = 0; i < 3; i++) a.call(tf.randomNormal([2, 4, 4, 3], i, 1 + i, 'float32', i));
    a.weight!.assign(tf.tensor1d([0.5, 2, -1]));
    const state = a.stateDict({ layout: 'pytorch' });
    const b = new BatchNorm2d({ numFeatures: 3, momentum: 0.3 });
    b.loadStateDict(state, { layout: 'pytorch' });
    const x = tf.randomNormal([2, 4, 4, 3], 1, 2, 'float32', 9);
    a.eval();
    b.eval();
    expect(await values(b.call(x))).toEqual(await values(a.call(x)));
    expect(await values(b.numBatchesTracked!)).toEqual([3]);
  });

  it('does not leak tensors over a training loop with gradients', () => {
    const bn = new BatchNorm2d({ numFeatures: 3, momentum: null });
    const x = tf.randomNormal([4, 5, 5, 3], 0, 1, 'float32', 1);
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(bn.call(x))) as tf.Scalar);
        tf.dispose(grads);
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
