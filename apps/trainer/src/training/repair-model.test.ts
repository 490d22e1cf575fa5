import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@skelnorm/backends';
import { createModel, type SkeletonModel } from '@skelnorm/models';
import type { Batch } from '@skelnorm/trainer';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertRebuildable, repairModel } from './repair-model.js';

beforeAll(async () => {
  await setupBackend({ prefer: 'wasm' });
});

/** Batches whose second person is present in 2 of 4 samples and drawn from another distribution (3x the scale). */
function batches(): Batch[] {
  return [1, 2].map((seed) =>
    tf.tidy(() => {
      const first = tf.randomNormal([4, 1, 16, 25, 3], 0, 1, 'float32', seed);
      const second = tf.mul(tf.randomNormal([4, 1, 16, 25, 3], 0.5, 3, 'float32', seed + 10), tf.reshape(tf.tensor1d([1, 1, 0, 0]), [4, 1, 1, 1, 1]));
      return { x: tf.concat([first, second], 1), y: tf.tensor1d([0, 1, 2, 3], 'int32') };
    }),
  );
}

describe('repairModel (the doctor\'s --repair)', () => {
  it.each(['batch', 'masked-batch'] as const)('gives a per-person %s seed CNN per-slot statistics and a rebuildable configuration', async (norm) => {
    const model = createModel('seed-cnn', { norm, personMode: 'per-person', bnMomentum: 0.01, dropout: 0, frames: 16, numClasses: 4 }) as SkeletonModel;
    model.train();
    for (const b of batches()) {
      tf.tidy(() => model.call(b.x));
      tf.dispose([b.x, b.y]);
    }
    model.eval();
    const result = await repairModel(model, () => batches());
    expect(result.before.layers.find((l) => l.name === 'conv1.1')?.verdict).toBe('shared-between-distributions');
    expect(result.options).toMatchObject({ norm, personMode: 'per-person-stats' });
    expect(result.changes.join('\n')).toMatch(/conv1\.1: \w*BatchNorm2d -> SlotBatchNorm2d \(2 slots\)/);
    assertRebuildable(result.model, result.options);
    result.model.dispose();
  });
});
