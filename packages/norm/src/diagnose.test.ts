import * as tf from '@tensorflow/tfjs-core';
import { Sequential } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, SlotBatchNorm2d, diagnose } from './index.js';
import { PerPersonModel, normal } from './test-support/models.js';
import { useCpu, values } from './test-support/tf.js';

beforeAll(useCpu);

/** [N, 2, H, W, C]: person 0 ~ N(3, 2), person 1 nearly all zeros (absent in most samples). */
function twoPersons(n: number, seed: number): tf.Tensor {
  return tf.stack([normal([n, 4, 4, 3], 3, 2, seed), normal([n, 4, 4, 3], 0, 0.05, seed + 1000)], 1);
}

function train(model: { call(x: tf.Tensor): tf.Tensor; train(): unknown }, batches: tf.Tensor[]): void {
  model.train();
  for (const x of batches) tf.tidy(() => model.call(x));
}

describe('diagnose', () => {
  it('flags a BatchNorm called twice per forward on two distributions, and changes nothing', async () => {
    const model = new PerPersonModel(new Sequential(new BatchNorm2d({ numFeatures: 3 })));
    const batches = Array.from({ length: 6 }, (_, i) => twoPersons(8, i));
    train(model, batches);
    model.eval();
    const state = model.stateDict();
    const report = await diagnose(model, batches.slice(0, 3));
    const layer = report.layers[0]!;
    expect(layer).toMatchObject({ name: 'stack.0', kind: 'BatchNorm2d', callsPerForward: 2, batchSize: 8, momentum: 0.1, numBatchesTracked: 12, slotsInContext: true, verdict: 'shared-between-distributions' });
    expect(layer.callSites).toHaveLength(2);
    expect(layer.sharing!.max).toBeGreaterThan(1);
    expect(layer.fixes.join(' ')).toMatch(/repair\(model, batches\)/);
    expect(layer.fixes.join(' ')).toMatch(/Fold the persons into the batch/);
    expect(layer.message).toMatch(/called 2 times per forward pass on different input distributions/);
    expect(report.healthy).toBe(false);
    expect(report.summary).toMatch(/1 of 1 BatchNorm layers need attention: stack.0 \(shared-between-distributions\)/);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    const after = model.stateDict();
    for (const key of Object.keys(state)) expect(await values(after[key]!)).toEqual(await values(state[key]!));
    expect(model.training).toBe(false);
  });

  it('says when the calls carry no slot (repair needs one)', async () => {
    const model = new PerPersonModel(new Sequential(new BatchNorm2d({ numFeatures: 3 })), false);
    train(model, [twoPersons(4, 1)]);
    const report = await diagnose(model, [twoPersons(4, 2)]);
    expect(report.layers[0]!.slotsInContext).toBe(false);
    expect(report.layers[0]!.fixes[0]).toMatch(/passes no `context.slot`/);
  });

  it('flags a large EMA-vs-population shift (slow momentum) as stale, with the fixes', async () => {
    const bn = new BatchNorm1d({ numFeatures: 4, momentum: 0.01 });
    const model = new Sequential(bn);
    // After 5 steps with momentum 0.01 the running mean has moved ~5% of the way to 5.
    const batches = Array.from({ length: 5 }, (_, i) => normal([16, 4], 5, 2, i));
    train(model, batches);
    const report = await diagnose(model.eval(), batches);
    const layer = report.layers[0]!;
    expect(layer.verdict).toBe('stale-statistics');
    expect(layer.meanShiftSigma!.mean).toBeGreaterThan(2);
    expect(layer.fixes[0]).toMatch(/recalibrate\(model, batches\)/);
    expect(layer.fixes[1]).toMatch(/Raise momentum from 0.01 to 0.1 \(PyTorch convention; Keras\/TensorFlow.js 0.9\)/);
    expect(report.healthy).toBe(false);
  });

  it('reports untrained statistics', async () => {
    const report = await diagnose(new Sequential(new BatchNorm1d({ numFeatures: 2 })), [normal([8, 2], 4, 1, 1)]);
    expect(report.layers[0]!.verdict).toBe('untrained-statistics');
  });

  it('says healthy for a healthy model, per-slot and batch-statistics layers included', async () => {
    const model = new PerPersonModel(
      new Sequential(new SlotBatchNorm2d({ numFeatures: 3, momentum: null }), new BatchNorm2d({ numFeatures: 3, trackRunningStats: false })),
    );
    const batches = Array.from({ length: 6 }, (_, i) => twoPersons(8, i));
    train(model, batches);
    const report = await diagnose(model.eval(), batches);
    expect(report.layers.map((l) => l.verdict)).toEqual(['healthy', 'no-running-statistics']);
    expect(report.layers[0]!.slots!.map((s) => s.verdict)).toEqual(['healthy', 'healthy']);
    expect(report.layers[0]!.callsPerForward).toBe(2);
    expect(report.healthy).toBe(true);
    expect(report.summary).toMatch(/All 2 BatchNorm layers are healthy on 6 batches/);
  });
});
