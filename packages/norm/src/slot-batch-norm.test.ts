import * as tf from '@tensorflow/tfjs-core';
import { Sequential, ReLU } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm2d, MaskedBatchNorm1d, SlotBatchNorm1d, SlotBatchNorm2d, convertToSlotBatchNorm, toSlotBatchNorm } from './index.js';
import { toleranceRatio, useCpu, values } from './test-support/tf.js';

beforeAll(useCpu);

describe('SlotBatchNorm', () => {
  it('keeps slot k statistics equal to a plain BatchNorm fed only slot k', async () => {
    const slotted = new SlotBatchNorm2d({ numFeatures: 3, numSlots: 2, momentum: 0.2 });
    slotted.weight!.assign(tf.tensor1d([1.5, 0.5, -1]));
    const plain = [new BatchNorm2d({ numFeatures: 3, momentum: 0.2 }), new BatchNorm2d({ numFeatures: 3, momentum: 0.2 })];
    for (let step = 0; step < 4; step++) {
      for (const slot of [0, 1]) {
        // Two persons, two distributions: slot 0 ~ N(3, 2), slot 1 ~ N(0, 0.1).
        const x = tf.randomNormal([3, 4, 4, 3], slot === 0 ? 3 : 0, slot === 0 ? 2 : 0.1, 'float32', 10 * step + slot);
        const y = slotted.call(x, { slot });
        plain[slot]!.weight!.assign(slotted.weight!);
        const yPlain = plain[slot]!.call(x);
        expect(toleranceRatio(await values(y), await values(yPlain))).toBeLessThanOrEqual(1);
      }
    }
    for (const slot of [0, 1]) {
      const s = slotted.statistics(slot);
      expect(toleranceRatio(await values(s.runningMean), await values(plain[slot]!.runningMean!))).toBeLessThanOrEqual(1);
      expect(toleranceRatio(await values(s.runningVar), await values(plain[slot]!.runningVar!))).toBeLessThanOrEqual(1);
      expect(await values(s.numBatchesTracked)).toEqual([4]);
    }
    slotted.eval();
    plain[1]!.eval();
    const x = tf.randomNormal([2, 4, 4, 3], 0, 0.1, 'float32', 99);
    expect(toleranceRatio(await values(slotted.call(x, { slot: 1 })), await values(plain[1]!.call(x)))).toBeLessThanOrEqual(1);
  });

  it('names its state so that a PyTorch module can mirror it', () => {
    const bn = new SlotBatchNorm1d({ numFeatures: 2 });
    expect(bn.numSlots).toBe(2);
    expect(Object.keys(bn.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean_slot0',
      'running_var_slot0',
      'num_batches_tracked_slot0',
      'running_mean_slot1',
      'running_var_slot1',
      'num_batches_tracked_slot1',
    ]);
  });

  it('requires context.slot when numSlots > 1, defaults to 0 with one slot', () => {
    const bn = new SlotBatchNorm1d({ numFeatures: 2, numSlots: 2 });
    const x = tf.randomNormal([4, 2]);
    expect(() => bn.call(x)).toThrow(/SlotBatchNorm1d: context.slot is required \(an integer in \[0, 1\]\)/);
    expect(() => bn.eval().call(x)).toThrow(/context.slot is required/);
    expect(() => bn.call(x, { slot: 2 })).toThrow(/context.slot must be an integer in \[0, 1\], got 2/);
    expect(new SlotBatchNorm1d({ numFeatures: 2, numSlots: 1 }).call(x).shape).toEqual([4, 2]);
    expect(new SlotBatchNorm1d({ numFeatures: 2, trackRunningStats: false }).call(x).shape).toEqual([4, 2]);
  });

  it('converts a trained BatchNorm: every slot starts from the shared statistics', async () => {
    const bn = new BatchNorm2d({ numFeatures: 2, momentum: 0.5 });
    bn.call(tf.randomNormal([4, 3, 3, 2], 4, 2, 'float32', 1));
    bn.weight!.assign(tf.tensor1d([2, 3]));
    bn.eval();
    const slotted = toSlotBatchNorm(bn, 3);
    expect(slotted).toBeInstanceOf(SlotBatchNorm2d);
    expect([slotted.numSlots, slotted.momentum, slotted.training]).toEqual([3, 0.5, false]);
    const x = tf.randomNormal([2, 3, 3, 2], 1, 1, 'float32', 2);
    const expected = await values(bn.call(x));
    for (const slot of [0, 1, 2]) {
      expect(await values(slotted.call(x, { slot }))).toEqual(expected);
      expect(await values(slotted.statistics(slot).numBatchesTracked)).toEqual([1]);
    }
    expect(toSlotBatchNorm(new MaskedBatchNorm1d({ numFeatures: 2 })).masked).toBe(true);
    expect(() => toSlotBatchNorm(slotted)).toThrow(/already per-slot/);
  });

  it('convertToSlotBatchNorm replaces the chosen layers of a model and disposes them', () => {
    const model = new Sequential(new BatchNorm2d({ numFeatures: 2 }), new ReLU(), new BatchNorm2d({ numFeatures: 2 }));
    const old = model.at(2);
    convertToSlotBatchNorm(model, { numSlots: 2, filter: (path) => path === '2' });
    expect(model.at(0)).toBeInstanceOf(BatchNorm2d);
    expect(model.at(2)).toBeInstanceOf(SlotBatchNorm2d);
    expect((old as BatchNorm2d).weight!.isDisposed).toBe(true);
    expect(Object.keys(model.stateDict())).toContain('2.running_mean_slot1');
    const root = convertToSlotBatchNorm(new BatchNorm2d({ numFeatures: 2 }));
    expect(root).toBeInstanceOf(SlotBatchNorm2d);
  });
});
