import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Generator, Sequential } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, diagnose, recalibrate, repair } from './index.js';
import { PerPersonModel, normal } from './test-support/models.js';
import { useCpu, values } from './test-support/tf.js';

beforeAll(useCpu);

describe('invalid numbers are named, never written', () => {
  it('diagnose calls NaN or negative running statistics invalid', async () => {
    const bn = new BatchNorm1d({ numFeatures: 3 });
    const model = new Sequential(bn);
    const batches = [normal([8, 3], 0, 1, 1)];
    bn.statistics(0).runningVar.assign(tf.tensor1d([1, -0.5, 1]));
    let layer = (await diagnose(model, batches)).layers[0]!;
    expect(layer.verdict).toBe('invalid-statistics');
    expect(layer.message).toMatch(/running_var\[1\] is -0\.5 \(a variance must be >= 0\)/);
    bn.statistics(0).runningMean.assign(tf.tensor1d([0, NaN, 0]));
    layer = (await diagnose(model, batches)).layers[0]!;
    expect(layer.message).toMatch(/running_mean\[1\] is NaN/);
    tf.dispose(batches);
  });

  it('repair and recalibrate refuse statistics of a NaN input, name the layer and leave the model as it was', async () => {
    const conv = new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, generator: new Generator(1) });
    const bn = new BatchNorm2d({ numFeatures: 3 });
    const model = new PerPersonModel(new Sequential(conv, bn));
    const batches = [tf.stack([normal([4, 5, 5, 2], 1, 1, 1), normal([4, 5, 5, 2], 0, 1, 2)], 1)];
    conv.weight.assign(tf.fill(conv.weight.shape, NaN));
    const before = await values(bn.statistics(0).runningMean);
    await expect(repair(model, batches)).rejects.toThrow(/stack\.1: BatchNorm2d: the statistics of its input are not finite/);
    await expect(recalibrate(model, batches)).rejects.toThrow(/recalibrate: stack\.1: the statistics of its input are not finite/);
    expect(await values(bn.statistics(0).runningMean)).toEqual(before);
    expect((model.stack as Sequential).at(1)).toBe(bn);
    tf.dispose(batches);
  });
});
