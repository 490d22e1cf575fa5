import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, MaskedBatchNorm1d, MaskedBatchNorm2d } from './index.js';
import { toleranceRatio, useCpu, values } from './test-support/tf.js';

beforeAll(useCpu);

describe('MaskedBatchNorm', () => {
  it('has the statistics of a plain BatchNorm fed only the valid samples', async () => {
    const masked = new MaskedBatchNorm2d({ numFeatures: 3 });
    const plain = new BatchNorm2d({ numFeatures: 3 });
    const validIndex = tf.tensor1d([0, 2, 3], 'int32');
    for (let step = 0; step < 3; step++) {
      // Valid samples ~ N(2, 3); padded ones are all zeros (an absent person).
      const real = tf.randomNormal([5, 4, 4, 3], 2, 3, 'float32', step);
      const mask = tf.tensor1d([1, 0, 1, 1, 0]);
      const x = tf.mul(real, tf.reshape(mask, [5, 1, 1, 1]));
      const y = masked.call(x, { mask });
      const yPlain = plain.call(tf.gather(x, validIndex));
      expect(toleranceRatio(await values(tf.gather(y, validIndex)), await values(yPlain))).toBeLessThanOrEqual(1);
    }
    expect(toleranceRatio(await values(masked.runningMean!), await values(plain.runningMean!))).toBeLessThanOrEqual(1);
    expect(toleranceRatio(await values(masked.runningVar!), await values(plain.runningVar!))).toBeLessThanOrEqual(1);
    expect(await values(masked.numBatchesTracked!)).toEqual([3]);
    expect(Object.keys(masked.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  });

  it('has the gradients of a plain BatchNorm over the valid samples (padded outputs not in the loss)', async () => {
    const masked = new MaskedBatchNorm1d({ numFeatures: 2 });
    const plain = new BatchNorm1d({ numFeatures: 2 });
    for (const layer of [masked, plain]) layer.weight!.assign(tf.tensor1d([1.5, -0.5]));
    const valid = tf.tensor1d([0, 2, 3], 'int32');
    const mask = tf.tensor1d([1, 0, 1, 1]);
    const x = tf.variable(tf.tensor2d([[1, 2], [9, 9], [3, -1], [4, 5]]));
    const g = tf.mul(tf.tensor2d([[0.3, -1], [7, 7], [2, 0.5], [-1, 1]]), tf.reshape(mask, [4, 1]));
    const m = tf.variableGrads(() => tf.sum(tf.mul(masked.call(x, { mask }), g)) as tf.Scalar, [x, masked.weight!, masked.bias!]);
    const xValid = tf.variable(tf.gather(x, valid));
    const p = tf.variableGrads(() => tf.sum(tf.mul(plain.call(xValid), tf.gather(g, valid))) as tf.Scalar, [xValid, plain.weight!, plain.bias!]);
    const gradX = m.grads[x.name]!;
    expect(toleranceRatio(await values(tf.gather(gradX, valid)), await values(p.grads[xValid.name]!))).toBeLessThanOrEqual(1);
    expect(await values(tf.gather(gradX, tf.tensor1d([1], 'int32')))).toEqual([0, 0]);
    expect(toleranceRatio(await values(m.grads[masked.weight!.name]!), await values(p.grads[plain.weight!.name]!))).toBeLessThanOrEqual(1);
    expect(toleranceRatio(await values(m.grads[masked.bias!.name]!), await values(p.grads[plain.bias!.name]!))).toBeLessThanOrEqual(1);
  });

  it('is a plain BatchNorm without a mask, and in eval mode', async () => {
    const masked = new MaskedBatchNorm1d({ numFeatures: 2, momentum: null });
    const plain = new BatchNorm1d({ numFeatures: 2, momentum: null });
    const x = tf.randomNormal([6, 5, 2], 1, 2, 'float32', 4);
    expect(await values(masked.call(x))).toEqual(await values(plain.call(x)));
    expect(await values(masked.runningVar!)).toEqual(await values(plain.runningVar!));
    masked.eval();
    plain.eval();
    expect(await values(masked.call(x, { mask: tf.tensor1d([1, 0, 0, 0, 0, 0]) }))).toEqual(await values(plain.call(x)));
  });

  it('leaves the statistics alone for a batch without valid samples, normalizing with the running ones', async () => {
    const bn = new MaskedBatchNorm1d({ numFeatures: 2 });
    bn.call(tf.tensor2d([[1, 2], [3, 8]]), { mask: tf.tensor1d([1, 1]) });
    const [mean, variance] = [await values(bn.runningMean!), await values(bn.runningVar!)];
    const x = tf.tensor2d([[0, 0], [0, 0]]);
    const y = bn.call(x, { mask: tf.tensor1d([0, 0]) });
    expect(await values(bn.runningMean!)).toEqual(mean);
    expect(await values(bn.runningVar!)).toEqual(variance);
    expect(await values(bn.numBatchesTracked!)).toEqual([1]);
    const expected = mean.map((m, c) => (0 - m) / Math.sqrt(variance[c]! + 1e-5));
    expect(toleranceRatio(await values(y), [...expected, ...expected])).toBeLessThanOrEqual(1);
  });

  it('checks the mask shape', () => {
    const bn = new MaskedBatchNorm1d({ numFeatures: 2 });
    expect(() => bn.call(tf.ones([3, 2]), { mask: tf.ones([2]) })).toThrow(/mask: expected shape \[3\]/);
  });
});
