import { Identity } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  BatchNorm2d,
  FrozenBatchNorm1d,
  FrozenBatchNorm2d,
  GroupNorm,
  LayerNorm,
  MaskedBatchNorm2d,
  NORM_KINDS,
  SlotBatchNorm1d,
  createNorm,
  defaultNumGroups,
  kerasMomentumFromTorch,
  torchMomentumFromKeras,
  type NormKind,
} from './index.js';
import { useCpu } from './test-support/tf.js';

beforeAll(useCpu);

describe('createNorm', () => {
  it('builds every kind for dims 1 and 2', () => {
    const make = (kind: NormKind, dims: 1 | 2) => createNorm(kind, { numFeatures: 48, dims });
    expect(make('none', 2)).toBeInstanceOf(Identity);
    expect(make('batch', 1)).toBeInstanceOf(BatchNorm1d);
    expect(make('batch', 2)).toBeInstanceOf(BatchNorm2d);
    expect(make('masked-batch', 2)).toBeInstanceOf(MaskedBatchNorm2d);
    expect(make('frozen', 1)).toBeInstanceOf(FrozenBatchNorm1d);
    expect(make('frozen', 2)).toBeInstanceOf(FrozenBatchNorm2d);
    const layer1 = make('layer', 1) as LayerNorm;
    expect(layer1).toBeInstanceOf(LayerNorm);
    expect(layer1.normalizedShape).toEqual([48]);
    const layer2 = make('layer', 2) as GroupNorm;
    expect([layer2.numGroups, layer2.numChannels]).toEqual([1, 48]);
    expect((make('group', 2) as GroupNorm).numGroups).toBe(24);
    const slot = make('slot-batch', 1) as SlotBatchNorm1d;
    expect([slot.numSlots, slot.perSlot]).toEqual([2, true]);
    expect(NORM_KINDS).toHaveLength(7);
  });

  it('passes momentum, trackRunningStats, eps, numSlots and numGroups through', () => {
    const bn = createNorm('batch', { numFeatures: 4, dims: 2, momentum: null, trackRunningStats: false, eps: 1e-3 }) as BatchNorm2d;
    expect([bn.momentum, bn.trackRunningStats, bn.eps]).toEqual([null, false, 1e-3]);
    expect((createNorm('slot-batch', { numFeatures: 4, dims: 2, numSlots: 3 }) as SlotBatchNorm1d).numSlots).toBe(3);
    expect((createNorm('group', { numFeatures: 4, dims: 2, numGroups: 2 }) as GroupNorm).numGroups).toBe(2);
    expect(() => createNorm('bogus' as NormKind, { numFeatures: 4, dims: 2 })).toThrow(/unknown kind 'bogus'/);
  });

  it('defaults GroupNorm groups to the largest divisor of C up to 32', () => {
    expect([64, 48, 32, 6, 3, 7, 1].map(defaultNumGroups)).toEqual([32, 24, 32, 6, 3, 7, 1]);
  });
});

describe('momentum conventions', () => {
  it('converts Keras/TensorFlow.js momentum (weight of the old value) to PyTorch (weight of the new) and back', () => {
    expect(torchMomentumFromKeras(0.99)).toBe(0.01);
    expect(torchMomentumFromKeras(0.9)).toBe(0.1);
    expect(kerasMomentumFromTorch(0.1)).toBe(0.9);
    expect(kerasMomentumFromTorch(0.01)).toBe(0.99);
    expect(() => kerasMomentumFromTorch(null)).toThrow(/cumulative average/);
    expect(() => torchMomentumFromKeras(99)).toThrow(/\[0, 1\]/);
  });
});
