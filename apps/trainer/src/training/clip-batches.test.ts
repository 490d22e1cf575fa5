import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomScale, uniformSample, uniformTestClips, type SkeletonSample } from '@skelnorm/data';
import { Generator } from '@skelnorm/nn';
import type { Batch, BatchStream } from '@skelnorm/trainer';
import { TrainingData } from './training-data.js';
import { testClips, type ClipSource } from './clip-pipeline.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const T = 4;
/** Sample i: one person, 2 joints, `length` recorded frames (x = 100 i + t + 1), padded to 20. */
function recorded(i: number, length: number): SkeletonSample {
  const data = new Float32Array(20 * 2 * 3);
  for (let t = 0; t < length; t++) for (let v = 0; v < 2; v++) data.set([100 * i + t + 1, v + 1, 1], (t * 2 + v) * 3);
  return { name: `S001C001P001R001A00${(i % 3) + 1}-${i}`, label: i % 3, data, persons: 1, frames: 20, joints: 2, channels: 3, validFrames: length, personMask: Uint8Array.of(1) };
}
const lengths = [20, 6, 3, 11, 9, 2];
const train = lengths.map((l, i) => recorded(i, l));
const test = lengths.map((l, i) => recorded(10 + i, l));
const source: ClipSource = { sampling: 'uniform', frames: T, train, test };
const view = (s: SkeletonSample) => testClips(source, s, 1)[0]!;
const data = new TrainingData(train.map(view), test.map(view), 3, 'hand-made', undefined, source);

async function collect(stream: BatchStream): Promise<{ x: number[]; y: number[]; clips: number[] }> {
  const out = { x: [] as number[], y: [] as number[], clips: [] as number[] };
  for await (const batch of stream as AsyncIterable<Batch>) {
    out.x.push(...(await batch.x.data()));
    out.y.push(...(await batch.y.data()));
    out.clips.push(batch.clips ?? 1);
    tf.dispose([batch.x, batch.y, ...(batch.mask ? [batch.mask] : [])]);
  }
  return out;
}

describe('TrainingData with uniform sampling', () => {
  it('cuts each training clip with new Generator(seed, epoch, index), then augments from the same generator', async () => {
    const got = await collect(data.trainBatches(3, 2, 7, false, ['scale']));
    const expected = train.flatMap((s, i) => {
      const random = new Generator(7, 2, i);
      return Array.from(randomScale(uniformSample(s, T, random), random).data);
    });
    expect(got.x).toHaveLength(expected.length);
    got.x.forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 5));
    const again = await collect(data.trainBatches(3, 2, 7, false, ['scale']));
    expect(again.x).toEqual(got.x);
    const nextEpoch = await collect(data.trainBatches(3, 3, 7, false, ['scale']));
    expect(nextEpoch.x).not.toEqual(got.x);
  });

  it('tests on K fixed clips per sample: K rows per label, the clips of uniformTestClips', async () => {
    const got = await collect(data.testBatches(4, { clips: 2 }));
    expect(got.clips.every((c) => c === 2)).toBe(true);
    expect(got.y).toHaveLength(test.length);
    expect(got.x).toHaveLength(test.length * 2 * T * 2 * 3);
    // Rows come in the mixed order; each sample's two clips are adjacent and are its test clips.
    const rows = T * 2 * 3;
    for (let n = 0; n < got.y.length; n++) {
      const first = got.x[2 * n * rows]!; // x of frame 0, joint 0 = 100 i + t + 1
      const s = test.find((c) => Math.floor((first - 1) / 100) === Math.floor((c.data[0]! - 1) / 100))!;
      expect(got.y[n]).toBe(s.label);
      const clips = uniformTestClips(s, T, 2).flatMap((c) => Array.from(c.data));
      expect(got.x.slice(2 * n * rows, 2 * (n + 1) * rows)).toEqual(clips);
    }
    expect(() => new TrainingData(train, test, 3, 'resampled').testClipSamples(2)).toThrow(/2 test clips need uniform sampling; resampled has resample sampling/);
  });
});
