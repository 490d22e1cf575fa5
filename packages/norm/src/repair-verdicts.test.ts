import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Generator, Sequential, type Module } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, DIAGNOSE_DEFAULTS, SlotBatchNorm2d, diagnose, repair, type RepairValidator } from './index.js';
import { PerPersonModel, normal } from './test-support/models.js';
import { toleranceRatio, useCpu, values } from './test-support/tf.js';

beforeAll(useCpu);

// Constructed models whose right verdict is known, each diagnosed and repaired with a validator
// that scores eval-mode outputs against what training-mode normalization gives on held-out data.

/** [N, 2, 5, 5, 2]: person 0 ~ N(mean0, 3); person 1 ~ N(mean1, 3) where `present`, else all zeros. */
function persons(n: number, seed: number, options: { mean0?: number; mean1?: number; present?: number } = {}): tf.Tensor {
  return tf.tidy(() => {
    const present = Math.round(n * (options.present ?? 0));
    const mask = tf.reshape(tf.tensor1d(Array.from({ length: n }, (_, i) => (i < present ? 1 : 0))), [n, 1, 1, 1]);
    const second = tf.mul(normal([n, 5, 5, 2], options.mean1 ?? 0, 3, seed + 1000), mask);
    return tf.stack([normal([n, 5, 5, 2], options.mean0 ?? 2, 3, seed), second], 1);
  });
}

function perPersonConvBn(momentum: number | null): { model: PerPersonModel; bn: BatchNorm2d } {
  const bn = new BatchNorm2d({ numFeatures: 3, momentum });
  const model = new PerPersonModel(new Sequential(new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, generator: new Generator(4) }), bn));
  bn.weight!.assign(tf.tensor1d([1.5, 0.7, 1]));
  bn.bias!.assign(tf.tensor1d([0.1, -0.2, 0.3]));
  return { model, bn };
}

function train(model: Module, batches: readonly tf.Tensor[], steps: number): void {
  model.train();
  for (let i = 0; i < steps; i++) tf.tidy(() => model.call(batches[i % batches.length]!));
  model.eval();
}

/** Training-mode outputs on `x` (each call normalized by its own statistics); every buffer restored. */
function trainModeOutput(model: Module, x: tf.Tensor): tf.Tensor {
  const saved = model.namedBuffers().map(([, v]) => [v, tf.clone(v)] as const);
  const wasTraining = model.training;
  model.train();
  try {
    return model.call(x);
  } finally {
    for (const [v, copy] of saved) {
      v.assign(copy);
      copy.dispose();
    }
    model.train(wasTraining);
  }
}

/** Mean squared difference from the training-mode outputs on `holdout`; accuracy: share within 0.1. */
function validator(holdout: tf.Tensor): RepairValidator {
  return async (model, { batchStatistics }) => {
    const [loss, within] = tf.tidy(() => {
      const reference = trainModeOutput(model, holdout);
      const out = batchStatistics ? reference : (model.eval(), model.call(holdout));
      const diff = tf.sub(out, reference);
      return [tf.mean(tf.square(diff)), tf.mean(tf.cast(tf.lessEqual(tf.abs(diff), 0.1), 'float32'))];
    });
    const [l, a] = [(await loss.data())[0]!, (await within.data())[0]!];
    tf.dispose([loss, within]);
    return { loss: l, accuracy: a };
  };
}

/** Mean squared difference between eval-mode and training-mode outputs on `x` (0 when eval normalizes as training did). */
async function evalError(model: Module, x: tf.Tensor): Promise<number> {
  return (await validator(x)(model, { batchStatistics: false })).loss;
}

describe('the doctor on models whose right verdict is known', () => {
  it('a layer shared by a real and an all-zero person: shared, per-slot statistics win and restore training-mode outputs', async () => {
    const { model } = perPersonConvBn(0.1);
    const batches = Array.from({ length: 4 }, (_, i) => persons(16, i, { present: 0.2 }));
    train(model, batches, 60); // long enough that momentum 0.1 has caught up: no lag, only the blend
    const holdout = persons(32, 99, { present: 0.2 });

    const report = await diagnose(model, batches);
    const layer = report.layers[0]!;
    expect(layer.verdict).toBe('shared-between-distributions');
    expect(layer.sharing!.max).toBeGreaterThan(2 * DIAGNOSE_DEFAULTS.sharingThreshold);
    expect(layer.lag!.max).toBeLessThan(layer.sharing!.max / 4);
    const before = await evalError(model, holdout);

    const result = await repair(model, batches, { validate: validator(holdout) });
    expect(result.chosen).toBe('per-slot');
    expect(result.scores!.perSlot!.loss).toBeLessThan(result.scores!.precise.loss / 10);
    expect(result.breakdown!.dominant).toBe('blend');
    // The EMA had caught up: converging it changes (almost) nothing, unlike per-slot statistics.
    expect(Math.abs(result.scores!.converged.loss - result.scores!.running.loss)).toBeLessThan(result.scores!.running.loss / 10);
    expect(result.layers).toEqual([expect.objectContaining({ name: 'stack.1', change: 'per-slot', why: expect.stringMatching(/called 2x per forward/) })]);
    expect((model.stack as Sequential).at(1)).toBeInstanceOf(SlotBatchNorm2d);
    expect(await evalError(model, holdout)).toBeLessThan(before / 10);
    tf.dispose([...batches, holdout]);
  });

  it('a layer shared by two similar persons: healthy, and one set of exact statistics is all it needs', async () => {
    const { model, bn } = perPersonConvBn(0.1);
    const batches = Array.from({ length: 4 }, (_, i) => persons(16, i, { present: 1, mean1: 2 }));
    train(model, batches, 60);
    const holdout = persons(32, 99, { present: 1, mean1: 2 });

    const layer = (await diagnose(model, batches)).layers[0]!;
    expect(layer.verdict).toBe('healthy');
    expect(layer.callsPerForward).toBe(2);
    expect(layer.sharing!.max).toBeLessThan(0.25);

    const result = await repair(model, batches);
    expect(result.chosen).toBe('precise');
    expect(result.converted).toEqual([]);
    expect((model.stack as Sequential).at(1)).toBe(bn);
    // Both persons come from one distribution: the pooled statistics normalize each as training did
    // (up to the holdout's own sampling noise).
    expect(await evalError(model, holdout)).toBeLessThan(0.01);
    tf.dispose([...batches, holdout]);
  });

  it('a lagging EMA: stale, PreciseBN wins, and the gap is put down to the lag', async () => {
    const bn = new BatchNorm1d({ numFeatures: 4, momentum: 0.01 });
    const model = new Sequential(bn);
    const batches = Array.from({ length: 5 }, (_, i) => normal([16, 4], 5, 2, i));
    train(model, batches, 5);
    const holdout = normal([64, 4], 5, 2, 99);
    const before = await evalError(model, holdout);

    const layer = (await diagnose(model, batches)).layers[0]!;
    expect(layer.verdict).toBe('stale-statistics');
    expect(layer.lag!.max).toBeGreaterThan(1);

    const tensors = tf.memory().numTensors;
    const result = await repair(model, batches, { validate: validator(holdout) });
    // Every candidate's snapshot and score is freed: the model holds what it held.
    expect(tf.memory().numTensors).toBe(tensors);
    expect(result.chosen).toBe('precise');
    expect(result.scores!.perSlot).toBeUndefined();
    expect(result.breakdown!.dominant).toBe('lag');
    expect(result.scores!.converged.loss).toBeLessThan(result.scores!.running.loss / 10);
    expect(result.layers[0]).toMatchObject({ change: 'precise', why: expect.stringMatching(/replaced by population statistics/) });
    expect(await evalError(model, holdout)).toBeLessThan(before / 100);
    tf.dispose([...batches, holdout]);
  });

  it('a healthy layer: healthy, and the repair leaves its outputs as they were', async () => {
    const bn = new BatchNorm1d({ numFeatures: 4, momentum: null });
    const model = new Sequential(bn);
    const batches = Array.from({ length: 5 }, (_, i) => normal([512, 4], 5, 2, i));
    train(model, batches, 5);
    const holdout = normal([1024, 4], 5, 2, 99);
    const before = await values(model.call(holdout));

    const report = await diagnose(model, batches);
    expect(report.layers[0]!.verdict).toBe('healthy');
    expect(report.healthy).toBe(true);

    const result = await repair(model, batches, { validate: validator(holdout) });
    expect(result.breakdown!.dominant).toBe('none');
    expect(result.layers[0]!.verdict).toBe('healthy');
    // The cumulative average over the same batches is the population: the statistics barely move.
    expect(toleranceRatio(await values(model.call(holdout)), before, 1e-3, 1e-3)).toBeLessThanOrEqual(1);
    tf.dispose([...batches, holdout]);
  });

  it('keeps the running statistics, exactly, when every candidate scores worse', async () => {
    const { model, bn } = perPersonConvBn(0.1);
    const batches = Array.from({ length: 4 }, (_, i) => persons(16, i, { present: 0.2 }));
    train(model, batches, 60);
    const holdout = persons(32, 99, { present: 0.2 });
    const state = model.stateDict();
    const asTrained = model.call(holdout);
    // A validator that rewards the outputs as trained: any change scores worse.
    const keepAsIs: RepairValidator = async (m) => {
      const d = tf.tidy(() => tf.mean(tf.square(tf.sub(m.eval().call(holdout), asTrained))));
      const loss = (await d.data())[0]!;
      d.dispose();
      return { loss, accuracy: loss < 1e-12 ? 1 : 0 };
    };

    const tensors = tf.memory().numTensors;
    const result = await repair(model, batches, { validate: keepAsIs });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(result.chosen).toBe('running');
    expect(result.reason).toMatch(/nothing was changed/);
    expect(result.converted).toEqual([]);
    expect(result.recalibrated).toEqual([]);
    expect((model.stack as Sequential).at(1)).toBe(bn);
    const after = model.stateDict();
    for (const key of Object.keys(state)) expect(await values(after[key]!)).toEqual(await values(state[key]!));
    tf.dispose([...batches, holdout, asTrained, ...Object.values(state), ...Object.values(after)]);
  });
});
