import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, FrozenBatchNorm1d, FrozenBatchNorm2d, SlotBatchNorm2d, freezeBatchNorm } from './index.js';
import { smallNet } from './test-support/models.js';
import { toleranceRatio, useCpu, values } from './test-support/tf.js';

beforeAll(useCpu);

describe('FrozenBatchNorm2d', () => {
  it('holds four buffers under PyTorch names, trains nothing, and is the same in train and eval', async () => {
    const frozen = new FrozenBatchNorm2d({ numFeatures: 2 });
    expect(frozen.parameters()).toEqual([]);
    expect(frozen.namedBuffers().map(([n]) => n)).toEqual(['weight', 'bias', 'running_mean', 'running_var']);
    frozen.runningMean.assign(tf.tensor1d([1, -1]));
    frozen.runningVar.assign(tf.tensor1d([4, 0.25]));
    frozen.weight.assign(tf.tensor1d([2, 1]));
    const x = tf.tensor4d([3, 0, 5, 1], [2, 1, 1, 2]);
    const train = await values(frozen.call(x));
    // (3 - 1) / 2 * 2 = 2, (0 + 1) / 0.5 = 2, (5 - 1) / 2 * 2 = 4, (1 + 1) / 0.5 = 4 (eps 1e-5 aside).
    expect(toleranceRatio(train, [2, 2, 4, 4], 1e-4, 1e-4)).toBeLessThanOrEqual(1);
    expect(await values(frozen.eval().call(x))).toEqual(train);
    expect(() => frozen.call(tf.ones([2, 2]))).toThrow(/\[N, H, W, C\]/);
    expect(new FrozenBatchNorm1d({ numFeatures: 2 }).call(tf.ones([3, 2])).shape).toEqual([3, 2]);
  });
});

describe('freezeBatchNorm', () => {
  it('then train mode gives the outputs eval mode gave before', async () => {
    const model = smallNet(3);
    // Train the statistics a little so that they are not the defaults.
    for (let i = 0; i < 3; i++) tf.tidy(() => model.call(tf.randomNormal([4, 4, 4, 3], 1, 2, 'float32', i)));
    const x = tf.randomNormal([5, 4, 4, 3], 1, 2, 'float32', 42);
    model.at(6).eval(); // dropout off in both runs: only the norms differ between the modes
    model.eval();
    const before = await values(model.call(x));
    const frozen = freezeBatchNorm(model);
    expect(frozen).toBe(model);
    expect(model.at(1)).toBeInstanceOf(FrozenBatchNorm2d);
    expect(model.at(5)).toBeInstanceOf(FrozenBatchNorm1d);
    model.train();
    model.at(6).eval();
    const state = model.stateDict();
    expect(toleranceRatio(await values(model.call(x)), before)).toBeLessThanOrEqual(1);
    // Nothing changed in train mode.
    const after = model.stateDict();
    for (const key of Object.keys(state)) expect(await values(after[key]!)).toEqual(await values(state[key]!));
    expect(Object.keys(state).filter((k) => k.startsWith('1.'))).toEqual(['1.weight', '1.bias', '1.running_mean', '1.running_var']);
  });

  it('returns a frozen layer for a bare BatchNorm and refuses layers it cannot freeze', () => {
    expect(freezeBatchNorm(new BatchNorm2d({ numFeatures: 2, affine: false }))).toBeInstanceOf(FrozenBatchNorm2d);
    expect(() => freezeBatchNorm(new BatchNorm1d({ numFeatures: 2, trackRunningStats: false }))).toThrow(/no running statistics/);
    expect(() => freezeBatchNorm(new SlotBatchNorm2d({ numFeatures: 2 }))).toThrow(/2 sets of statistics/);
  });
});
