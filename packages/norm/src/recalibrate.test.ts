import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Generator, ReLU, Sequential } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, SlotBatchNorm2d, recalibrate } from './index.js';
import { PerPersonModel, exactChannelStats, normal, smallNet } from './test-support/models.js';
import { toleranceRatio, useCpu, values } from './test-support/tf.js';

beforeAll(useCpu);

async function corrupt(bn: BatchNorm1d | BatchNorm2d): Promise<void> {
  bn.runningMean!.assign(tf.fill(bn.runningMean!.shape, 100));
  bn.runningVar!.assign(tf.fill(bn.runningVar!.shape, 1e-3));
}

describe('recalibrate (PreciseBN)', () => {
  it('gives the eval outputs of exact statistics over the same data, each batch weighted by its size', async () => {
    const conv = new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1, generator: new Generator(2) });
    const bn = new BatchNorm2d({ numFeatures: 4, momentum: 0.01 });
    const model = new Sequential(conv, bn, new ReLU());
    // Batches of different sizes and distributions: averaging per batch would be wrong.
    const batches = [normal([2, 5, 5, 3], 4, 1, 1), normal([7, 5, 5, 3], -1, 3, 2), normal([3, 5, 5, 3], 0, 0.5, 3)];
    await corrupt(bn);
    bn.numBatchesTracked!.assign(tf.scalar(17, 'int32'));
    model.eval();
    const weightsBefore = await values(conv.weight);

    const result = await recalibrate(model, batches);

    // The reference: statistics of every conv output, computed here in float64.
    const exact = await exactChannelStats(batches.map((b) => conv.call(b)));
    expect(toleranceRatio(await values(bn.runningMean!), exact.mean)).toBeLessThanOrEqual(1);
    expect(toleranceRatio(await values(bn.runningVar!), exact.variance)).toBeLessThanOrEqual(1);
    const reference = new Sequential(conv, new BatchNorm2d({ numFeatures: 4 }), new ReLU()).eval();
    const refBn = reference.at(1) as BatchNorm2d;
    refBn.runningMean!.assign(tf.tensor1d(exact.mean));
    refBn.runningVar!.assign(tf.tensor1d(exact.variance));
    const x = normal([4, 5, 5, 3], 1, 2, 7);
    expect(toleranceRatio(await values(model.call(x)), await values(reference.call(x)))).toBeLessThanOrEqual(1);

    const perBatchMean = (await Promise.all(batches.map(async (b) => (await exactChannelStats([conv.call(b)])).mean[0]!))).reduce((a, b) => a + b) / 3;
    expect(Math.abs(perBatchMean - exact.mean[0]!)).toBeGreaterThan(0.01);
    expect(await values(conv.weight)).toEqual(weightsBefore);
    expect(await values(bn.numBatchesTracked!)).toEqual([17]);
    expect(model.training || bn.training).toBe(false);
    expect(result).toEqual({ batches: 3, layers: [{ name: '1', kind: 'BatchNorm2d', slots: [{ slot: 0, count: 12 * 25, updated: true }] }] });
  });

  it('recalibrates a deeper model from the inputs each layer saw in training, without dropout, and restores modes', async () => {
    const model = smallNet(5);
    const [bn2d, bn1d] = [model.at(1) as BatchNorm2d, model.at(5) as BatchNorm1d];
    await corrupt(bn2d);
    await corrupt(bn1d);
    model.train();
    model.at(6).eval();
    const batches = [normal([6, 4, 4, 3], 1, 2, 11), normal([4, 4, 4, 3], 0, 1, 12)];
    await recalibrate(model, batches);
    expect(model.training && bn2d.training && bn1d.training).toBe(true);
    expect(model.at(6).training).toBe(false);

    // By hand: BN2d sees conv outputs; BN1d sees, per batch, linear(flatten(relu(conv output
    // normalized with that batch's own statistics))) as in training, with dropout off.
    const conv = model.at(0) as Conv2d;
    const convOut = batches.map((b) => conv.call(b));
    const exact2d = await exactChannelStats(convOut);
    const fcIn = convOut.map((c) => {
      const { mean, variance } = tf.moments(c, [0, 1, 2]);
      const normalized = tf.add(tf.mul(tf.div(tf.sub(c, mean), tf.sqrt(tf.add(variance, 1e-5))), bn2d.weight!), bn2d.bias!);
      return model.at(4).call(model.at(3).call(tf.relu(normalized)));
    });
    const exact1d = await exactChannelStats(fcIn);
    expect(toleranceRatio(await values(bn2d.runningMean!), exact2d.mean)).toBeLessThanOrEqual(1);
    expect(toleranceRatio(await values(bn2d.runningVar!), exact2d.variance)).toBeLessThanOrEqual(1);
    expect(toleranceRatio(await values(bn1d.runningMean!), exact1d.mean)).toBeLessThanOrEqual(1);
    expect(toleranceRatio(await values(bn1d.runningVar!), exact1d.variance)).toBeLessThanOrEqual(1);
  });

  it('takes an async iterable, stops after maxBatches, and recalibrates per slot', async () => {
    const bn = new SlotBatchNorm2d({ numFeatures: 3, numSlots: 2 });
    const model = new PerPersonModel(new Sequential(bn)).eval();
    let pulled = 0;
    const data = [normal([4, 2, 3, 3, 3], 0, 1, 1), normal([4, 2, 3, 3, 3], 0, 1, 2), normal([4, 2, 3, 3, 3], 0, 1, 3)];
    // Person 1 shifted and scaled: a different distribution per slot.
    const inputs = data.map((d) => tf.concat([tf.slice(d, [0, 0], [-1, 1]), tf.add(tf.mul(tf.slice(d, [0, 1], [-1, 1]), 0.1), 5)], 1));
    async function* source() {
      for (const x of inputs) {
        pulled++;
        yield { x };
      }
    }
    const before = tf.memory().numTensors;
    const result = await recalibrate(model, source(), { maxBatches: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(pulled).toBe(2);
    expect(result.batches).toBe(2);
    for (const slot of [0, 1]) {
      const exact = await exactChannelStats(inputs.slice(0, 2).map((x) => tf.squeeze(tf.slice(x, [0, slot], [-1, 1]), [1])));
      expect(toleranceRatio(await values(bn.statistics(slot).runningMean), exact.mean)).toBeLessThanOrEqual(1);
      expect(toleranceRatio(await values(bn.statistics(slot).runningVar), exact.variance)).toBeLessThanOrEqual(1);
    }
    expect(result.layers[0]!.slots.map((s) => s.count)).toEqual([72, 72]);
  });

  it('uses a custom forward and restores everything if it throws', async () => {
    const bn = new BatchNorm1d({ numFeatures: 2 });
    const model = new Sequential(bn).eval();
    await expect(recalibrate(model, [{ features: tf.ones([1, 2]) }], { forward: (m, b) => m.call(b.features) })).rejects.toThrow(/more than 1 value per channel/);
    expect(await values(bn.runningMean!)).toEqual([0, 0]);
    expect(model.training || bn.training).toBe(false);
    await recalibrate(model, [{ features: tf.tensor2d([[1, 2], [3, 6]]) }], { forward: (m, b) => m.call(b.features) });
    expect(await values(bn.runningMean!)).toEqual([2, 4]);
    expect(await values(bn.runningVar!)).toEqual([2, 8]);
  });
});
