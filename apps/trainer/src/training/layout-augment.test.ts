import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SkeletonSample } from '@skelnorm/data';
import type { TrainConfig } from './train-config.js';
import { TrainingData } from './training-data.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** One person, 4 frames, V joints, every joint (x, y, third channel) = (1, 2, 3). */
const sample = (i: number, joints: number): SkeletonSample => ({
  name: `S001C001P001R001A${String((i % 3) + 1).padStart(3, '0')}-${i}`,
  label: i % 3,
  data: Float32Array.from({ length: 4 * joints * 3 }, (_, k) => (k % 3) + 1),
  persons: 1, frames: 4, joints, channels: 3, validFrames: 4,
  personMask: Uint8Array.of(1),
});

/** Per channel, the distinct values of the first training batch of `--augment scale`. */
async function scaledChannels(joints: number, layout: TrainConfig['layout']): Promise<number[][]> {
  const data = new TrainingData(Array.from({ length: 4 }, (_, i) => sample(i, joints)), [sample(9, joints)], 3, 'test');
  const config = { batchSize: 4, evalBatchSize: 4, shuffle: false, augment: ['scale'], ...(layout ? { layout } : {}) } as unknown as TrainConfig;
  for await (const batch of data.fitData(config).train(0, 7)) {
    const values = (await batch.x.data()) as Float32Array;
    tf.dispose([batch.x, batch.y, ...(batch.mask ? [batch.mask] : [])]);
    return [0, 1, 2].map((c) => [...new Set(Array.from(values.filter((_, k) => k % 3 === c)))]);
  }
  throw new Error('no batch');
}

describe('--augment scale follows the layout', () => {
  it('a 2D layout scales x and y and leaves the score channel as it is', async () => {
    const [x, y, score] = await scaledChannels(17, 'coco17');
    // PYSKL's RandomScale: 1 ± 0.1 per axis and sample, so x = 1 lands in [0.9, 1.1], y = 2 in [1.8, 2.2].
    expect(x!.length).toBeGreaterThan(1);
    expect(x!.every((v) => v >= 0.9 - 1e-6 && v <= 1.1 + 1e-6)).toBe(true);
    expect(y!.every((v) => v >= 1.8 - 1e-6 && v <= 2.2 + 1e-6)).toBe(true);
    expect(score).toEqual([3]);
  });

  it('ntu25 (the default) scales all three coordinates', async () => {
    const [, , z] = await scaledChannels(25, undefined);
    expect(z!.length).toBeGreaterThan(1);
    expect(z!.every((v) => v >= 2.7 - 1e-6 && v <= 3.3 + 1e-6)).toBe(true);
  });
});
