import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Generator, Sequential } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm2d, SlotBatchNorm2d, applyLayerStatistics, diagnose, recalibrate, repair, type RepairValidator } from './index.js';
import { PerPersonModel, exactChannelStats, normal } from './test-support/models.js';
import { toleranceRatio, useCpu, values } from './test-support/tf.js';

beforeAll(useCpu);

function twoPersons(n: number, seed: number): tf.Tensor {
  return tf.stack([normal([n, 5, 5, 2], 2, 3, seed), normal([n, 5, 5, 2], 0, 0.05, seed + 1000)], 1);
}

function sharedModel(passSlot = true) {
  const conv = new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, generator: new Generator(4) });
  const bn = new BatchNorm2d({ numFeatures: 3 });
  const model = new PerPersonModel(new Sequential(conv, bn), passSlot);
  bn.weight!.assign(tf.tensor1d([1.5, 0.7, 1]));
  bn.bias!.assign(tf.tensor1d([0.1, -0.2, 0.3]));
  // Train the statistics the seed's way: both persons through one BatchNorm, blended.
  for (let i = 0; i < 8; i++) tf.tidy(() => model.call(twoPersons(6, 100 + i)));
  return { model: model.eval(), conv, bn };
}

describe('repair', () => {
  it('makes eval outputs equal the train-mode formula with exact per-slot statistics', async () => {
    const { model, conv, bn } = sharedModel();
    const data = [twoPersons(6, 1), twoPersons(4, 2)];
    const [weight, bias, convWeight] = [await values(bn.weight!), await values(bn.bias!), await values(conv.weight)];
    const person = (x: tf.Tensor, m: number) => tf.squeeze(tf.slice(x, [0, m], [-1, 1]), [1]);
    // Reference by hand: for person m, y = (conv(x_m) - mean_m) / sqrt(var_m + eps) * w + b with
    // mean_m, var_m (unbiased, as PyTorch stores it) over all of person m's conv outputs.
    const exact = await Promise.all([0, 1].map((m) => exactChannelStats(data.map((x) => conv.call(person(x, m))))));
    const x = data[1]!;
    const expected = tf.stack(
      [0, 1].map((m) => {
        const c = conv.call(person(x, m));
        const { mean, variance } = exact[m]!;
        return tf.add(tf.mul(tf.div(tf.sub(c, tf.tensor1d(mean)), tf.sqrt(tf.add(tf.tensor1d(variance), 1e-5))), tf.tensor1d(weight)), tf.tensor1d(bias));
      }),
      1,
    );
    const expectedValues = await values(expected);
    // Before: the blended statistics normalize the near-empty person 1 far from its training scale.
    expect(toleranceRatio(await values(model.call(x)), expectedValues)).toBeGreaterThan(100);
    // Plain recalibration only reproduces the blend.
    await recalibrate(model, data);
    expect(toleranceRatio(await values(model.call(x)), expectedValues)).toBeGreaterThan(100);

    const result = await repair(model, data);

    expect(result.before.layers[0]!.verdict).toBe('shared-between-distributions');
    expect(result.converted).toEqual([{ name: 'stack.1', from: 'BatchNorm2d', to: 'SlotBatchNorm2d', numSlots: 2, slots: [0, 1] }]);
    expect(result.skipped).toEqual([]);
    expect(result.model).toBe(model);
    const slotted = (model.stack as Sequential).at(1) as SlotBatchNorm2d;
    expect(slotted).toBeInstanceOf(SlotBatchNorm2d);
    expect(slotted.training).toBe(false);
    expect(toleranceRatio(await values(model.call(x)), expectedValues)).toBeLessThanOrEqual(1);
    // Weights untouched; statistics keep PyTorch-mirrorable names; num_batches_tracked carried over.
    expect(await values(slotted.weight!)).toEqual(weight);
    expect(await values(conv.weight)).toEqual(convWeight);
    expect(await values(slotted.statistics(1).numBatchesTracked)).toEqual([16]);
    // In training mode on the same data as one batch, each person gets (up to n / (n - 1)) the same outputs.
    const all = tf.concat(data, 0);
    const evalAll = await values(model.call(all));
    model.train();
    expect(toleranceRatio(await values(model.call(all)), evalAll, 1e-2, 1e-3)).toBeLessThanOrEqual(1);
    model.eval();
    expect((await diagnose(model, data)).healthy).toBe(true);
  });

  it('with per-slot chosen, reports what perSlot: false would keep, and applyLayerStatistics writes exactly that', async () => {
    const data = [twoPersons(6, 1), twoPersons(4, 2)];
    const validate = async (m: Parameters<RepairValidator>[0], { batchStatistics }: { batchStatistics: boolean }) => {
      // Held-out score: how close eval outputs are to the train-mode formula (higher is better).
      const x = twoPersons(5, 9);
      const out = await values((m as typeof model).call(x));
      return { accuracy: batchStatistics ? 1 : 1 / (1 + toleranceRatio(out, expectedOutputs)), loss: 0 };
    };
    const { model } = sharedModel();
    const reference = sharedModel();
    // Train mode on the held-out batch (a model of its own: train mode moves running statistics).
    const expectedOutputs = await values(sharedModel().model.train().call(twoPersons(5, 9)));
    const unchanged = sharedModel().model;
    const result = await repair(model, data, { validate });
    expect(result.chosen).toBe('per-slot');
    const alternative = result.sharedAlternative!;
    expect(alternative).toBeDefined();
    const kept = await repair(reference.model, data, { validate, perSlot: false });
    expect(alternative.chosen).toBe(kept.chosen);
    expect(alternative.statistics.map((s) => [s.path, s.slot])).toEqual([['stack.1', 0]]);
    if (alternative.chosen === 'precise') applyLayerStatistics(unchanged, alternative.statistics);
    const x = twoPersons(4, 5);
    expect(await values(unchanged.call(x))).toEqual(await values(reference.model.call(x)));
    expect(() => applyLayerStatistics(unchanged, [{ ...alternative.statistics[0]!, path: 'stack.0' }])).toThrow(/stack\.0 is not a BatchNorm layer with a statistics slot 0/);
    // Nothing to report where per-slot was not chosen.
    expect(kept.sharedAlternative).toBeUndefined();
  });

  it('skips a shared layer whose calls carry no slot, and says why', async () => {
    const { model, bn } = sharedModel(false);
    const result = await repair(model, [twoPersons(4, 3)]);
    expect(result.converted).toEqual([]);
    expect(result.skipped).toEqual([{ name: 'stack.1', reason: expect.stringMatching(/without context.slot/) }]);
    expect((model.stack as Sequential).at(1)).toBe(bn);
  });
});
