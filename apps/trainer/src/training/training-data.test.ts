import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SkeletonSample } from '@skelnorm/data';
import type { BatchStream } from '@skelnorm/trainer';
import { TrainingData } from './training-data.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const sample = (i: number): SkeletonSample => ({
  name: `S001C001P001R001A${String((i % 3) + 1).padStart(3, '0')}-${i}`,
  label: i % 3,
  data: new Float32Array(2 * 4 * 25 * 3).fill(i),
  persons: 2, frames: 4, joints: 25, channels: 3, validFrames: 4,
  personMask: Uint8Array.from([1, 0]),
});

async function batchSizes(stream: BatchStream): Promise<{ sizes: number[]; labels: number }> {
  const sizes: number[] = [];
  for await (const batch of stream) {
    sizes.push(batch.y.shape[0]!);
    tf.dispose([batch.x, batch.y, ...(batch.mask ? [batch.mask] : [])]);
  }
  return { sizes, labels: sizes.reduce((a, b) => a + b, 0) };
}

describe('TrainingData batch streams', () => {
  // 17 train and 9 test samples with batch 8: remainders of 1, the size that breaks BatchNorm1d.
  const data = new TrainingData(Array.from({ length: 17 }, (_, i) => sample(i)), Array.from({ length: 9 }, (_, i) => sample(i)), 3, 'test');

  it('evaluation and statistics passes see every sample once and never a batch of one', async () => {
    expect(await batchSizes(data.testBatches(8))).toEqual({ sizes: [9], labels: 9 });
    expect(await batchSizes(data.trainEvalBatches(8))).toEqual({ sizes: [8, 9], labels: 17 });
    expect(await batchSizes(data.statisticsBatches('train', 8))).toEqual({ sizes: [8, 9], labels: 17 });
    expect(await batchSizes(data.statisticsBatches('test', 4))).toEqual({ sizes: [4, 5], labels: 9 });
  });

  it('training drops the last, smaller batch (drop_last=True)', async () => {
    expect(await batchSizes(data.trainBatches(8, 0, 0, true))).toEqual({ sizes: [8, 8], labels: 16 });
    expect(data.stepsPerEpoch(8)).toBe(2);
  });
});

describe('TrainingData.holdoutSplit', () => {
  it('cuts the training split into a fixed held-out slice and the rest, disjoint and covering it', () => {
    const train = Array.from({ length: 50 }, (_, i) => sample(i));
    const data = new TrainingData(train, [sample(99)], 3, 'test');
    const { holdout, statistics } = data.holdoutSplit();
    expect(holdout).toHaveLength(10);
    expect(statistics).toHaveLength(40);
    expect(new Set([...holdout, ...statistics].map((s) => s.name))).toEqual(new Set(train.map((s) => s.name)));
    // Seeded: the same slice every time, and not simply the first samples.
    expect(data.holdoutSplit().holdout.map((s) => s.name)).toEqual(holdout.map((s) => s.name));
    expect(holdout.map((s) => s.name)).not.toEqual(train.slice(0, 10).map((s) => s.name));
    expect(() => new TrainingData(train.slice(0, 3), [sample(99)], 3, 'three samples').holdoutSplit()).toThrow(/at least 4 training samples.*three samples/);
  });
});
