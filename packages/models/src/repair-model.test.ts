import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, repairModel, type SkeletonModel } from './index.js';
import { useBackend } from './test-support/tf.js';

beforeAll(() => useBackend());

/** Batches whose second person is present in 2 of 4 samples and drawn from another distribution (3x the scale). */
function batches(): tf.Tensor[] {
  return [1, 2].map((seed) =>
    tf.tidy(() => {
      const first = tf.randomNormal([4, 1, 16, 25, 3], 0, 1, 'float32', seed);
      const second = tf.mul(tf.randomNormal([4, 1, 16, 25, 3], 0.5, 3, 'float32', seed + 10), tf.reshape(tf.tensor1d([1, 1, 0, 0]), [4, 1, 1, 1, 1]));
      return tf.concat([first, second], 1);
    }),
  );
}

describe('repairModel', () => {
  it.each(['batch', 'masked-batch'] as const)('rebuilds a per-person %s seed CNN with per-slot statistics as a per-person-stats one', async (norm) => {
    const model = createModel('seed-cnn', { norm, personMode: 'per-person', bnMomentum: 0.01, dropout: 0, frames: 16, numClasses: 4 });
    model.train();
    for (const x of batches()) {
      tf.tidy(() => model.call(x));
      x.dispose();
    }
    model.eval();
    const data = batches();
    const probe = data[0]!;
    const result = await repairModel(model, data);
    expect(result.before.layers.find((l) => l.name === 'conv1.1')?.verdict).toBe('shared-between-distributions');
    expect(result.chosen).toBe('per-slot');
    expect(result.converted.map((c) => c.name)).toEqual(['conv1.1', 'conv2.1', 'conv3.1']);
    expect(result.options).toMatchObject({ norm, personMode: 'per-person-stats' });
    // The rebuilt model is what its options build, with the repaired statistics, and computes the same.
    const repaired: SkeletonModel = result.model;
    expect(repaired).not.toBe(model);
    expect(repaired.config).toEqual(result.options);
    const rebuilt = createModel('seed-cnn', result.options);
    const state = repaired.stateDict();
    rebuilt.loadStateDict(state);
    expect(Object.keys(state)).toContain('conv1.1.running_mean_slot1');
    const [a, b] = [repaired.eval().call(probe), rebuilt.eval().call(probe)];
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    tf.dispose([a, b, ...data, ...Object.values(state)]);
    rebuilt.dispose();
    repaired.dispose();
  });

  it('leaves a model without shared layers as it is, options included', async () => {
    const model = createModel('seed-cnn', { personMode: 'folded', bnMomentum: 0.01, dropout: 0, frames: 16, numClasses: 4 });
    const data = batches();
    const result = await repairModel(model, data);
    expect(result.model).toBe(model);
    expect(result.chosen).toBe('precise');
    expect(result.options).toEqual(model.config);
    tf.dispose(data);
    model.dispose();
  });
});
