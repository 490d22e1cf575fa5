import * as tf from '@tensorflow/tfjs-core';
import { diagnose, repair } from '@skelnorm/norm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from './index.js';
import { skeletonBatch, useBackend } from './test-support/tf.js';

beforeAll(() => useBackend());

describe("seed-cnn and the BatchNorm doctor", () => {
  it("finds the seed's shared per-person BatchNorms and repairs them to per-slot statistics", async () => {
    // The seed's setup: BN called once per person; most samples have an all-zero second person.
    const model = createModel('seed-cnn', { norm: 'batch', personMode: 'per-person', bnMomentum: 0.01, dropout: 0, frames: 16, numClasses: 5 });
    const batches = [0, 1].map(() => skeletonBatch(4, 2, 16, 25, 3, [[0, 1], [1, 1], [2, 1]]));
    model.train();
    for (const x of batches) tf.tidy(() => model.call(x));
    model.eval();

    const report = await diagnose(model, batches);
    const byName = new Map(report.layers.map((l) => [l.name, l]));
    for (const name of ['conv1.1', 'conv2.1', 'conv3.1']) expect(byName.get(name)?.callsPerForward).toBe(2);
    // With random weights the persons' feature distributions converge with depth; the first two
    // layers still see the real person and the zero person as clearly different populations.
    expect(byName.get('conv1.1')?.verdict).toBe('shared-between-distributions');
    expect(byName.get('conv2.1')?.verdict).toBe('shared-between-distributions');
    expect(byName.get('fc1.1')?.callsPerForward).toBe(1);
    expect(report.healthy).toBe(false);

    const result = await repair(model, batches);
    expect(result.converted.map((c) => c.name)).toEqual(expect.arrayContaining(['conv1.1', 'conv2.1']));
    expect(result.converted.map((c) => c.name)).not.toContain('fc1.1');
    const after = await diagnose(model, batches);
    expect(after.layers.filter((l) => l.verdict === 'shared-between-distributions')).toEqual([]);
    expect(Object.keys(model.stateDict())).toContain('conv1.1.running_mean_slot1');
    batches.forEach((b) => b.dispose());
    model.dispose();
  });
});
