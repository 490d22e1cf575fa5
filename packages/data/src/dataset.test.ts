import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Dataset, type SkeletonSample } from './index.js';
import { toObservable } from './rx/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sample = (i: number): SkeletonSample => ({
  name: `S001C001P001R001A${String((i % 60) + 1).padStart(3, '0')}`,
  label: i % 60,
  data: new Float32Array(2 * 4 * 25 * 3).fill(i),
  persons: 2,
  frames: 4,
  joints: 25,
  channels: 3,
  validFrames: 4,
  personMask: Uint8Array.of(1, i % 2),
});

describe('Dataset.shuffle', () => {
  for (const [kind, make] of [
    ['with random access', () => Dataset.fromArray(range(100))],
    ['over a stream', () => Dataset.fromIterable(() => range(100))],
  ] as const) {
    it(`${kind}: same seed same order, every epoch a new order, every element once`, async () => {
      const a = make().shuffle(7);
      const b = make().shuffle(7);
      const epochs = [await a.toArray(), await a.toArray(), await a.toArray()];
      expect(await b.toArray()).toEqual(epochs[0]);
      expect(await b.toArray()).toEqual(epochs[1]);
      expect(epochs[0]).not.toEqual(epochs[1]);
      expect(epochs[1]).not.toEqual(epochs[2]);
      for (const e of epochs) expect([...e].sort((x, y) => x - y)).toEqual(range(100));
      expect(await a.toArray(1)).toEqual(epochs[1]); // resume at epoch 1
      expect(await make().shuffle(8).toArray()).not.toEqual(epochs[0]);
    });
  }

  it('shuffles the whole set, not a window, unless asked', async () => {
    const whole = await Dataset.fromIterable(() => range(1000)).shuffle(1).toArray();
    expect(whole.slice(0, 10).some((v) => v > 500)).toBe(true);
    const windowed = await Dataset.fromIterable(() => range(1000)).shuffle(1, { window: 10 }).toArray();
    expect([...windowed].sort((x, y) => x - y)).toEqual(range(1000));
    expect(windowed.slice(0, 10).every((v) => v < 20)).toBe(true);
  });
});

describe('Dataset transforms', () => {
  it('carries the size and maps lazily', async () => {
    let calls = 0;
    const ds = Dataset.fromArray(range(10)).map((v, { epoch, index }) => {
      calls++;
      return [v * 2, epoch, index];
    });
    expect(ds.size).toBe(10);
    expect(calls).toBe(0);
    expect((await ds.take(3).toArray())).toEqual([[0, 0, 0], [2, 0, 1], [4, 0, 2]]);
    expect(calls).toBe(3);
    expect(ds.shuffle(1).size).toBe(10);
    expect(ds.chunk(4).size).toBe(3);
    expect(ds.chunk(4, { dropRemainder: true }).size).toBe(2);
    expect(ds.filter(() => true).size).toBeNull();
    expect(ds.skip(8).size).toBe(2);
    expect(await Dataset.fromArray(range(10)).skip(8).toArray()).toEqual([8, 9]);
    expect(await Dataset.fromIterable(() => range(10)).skip(8).take(1).toArray()).toEqual([8]);
    expect(() => ds.chunk(0)).toThrow(/size must be a positive integer/);
  });

  it.each([
    ['random access', (n: number) => Dataset.fromArray(range(n))],
    ['streamed', (n: number) => Dataset.fromIterable(() => range(n))],
  ] as const)('mergeRemainder folds the last, smaller chunk into the one before (%s)', async (_, make) => {
    const lengths = async (n: number, size: number) => (await make(n).chunk(size, { mergeRemainder: true }).toArray()).map((c) => c.length);
    expect(await lengths(10, 4)).toEqual([4, 6]);
    expect(await lengths(9, 3)).toEqual([3, 3, 3]);
    expect(await lengths(9, 4)).toEqual([4, 5]);
    expect(await lengths(3, 4)).toEqual([3]);
    expect(await lengths(0, 4)).toEqual([]);
    expect((await make(10).chunk(4, { mergeRemainder: true }).toArray()).flat()).toEqual(range(10));
    expect(Dataset.fromArray(range(10)).chunk(4, { mergeRemainder: true }).size).toBe(2);
    expect(Dataset.fromArray(range(3)).chunk(4, { mergeRemainder: true }).size).toBe(1);
    expect(() => make(4).chunk(2, { mergeRemainder: true, dropRemainder: true })).toThrow(/exclude each other/);
  });

  it('batches samples into [N, M, T, V, C] tensors with int32 labels and a person mask', async () => {
    const batches = Dataset.fromArray(range(10).map(sample)).batch(4);
    expect(batches.size).toBe(3);
    const shapes: number[][] = [];
    for await (const b of batches) {
      shapes.push(b.x.shape);
      expect(b.y.dtype).toBe('int32');
      expect(b.mask.shape).toEqual([b.size, 2]);
      if (shapes.length === 1) {
        expect(b.y.arraySync()).toEqual([0, 1, 2, 3]);
        expect(b.mask.arraySync()).toEqual([[1, 0], [1, 1], [1, 0], [1, 1]]);
        const first = tf.slice(b.x, [1, 0, 0, 0, 0], [1, 1, 1, 1, 1]);
        expect(first.dataSync()[0]).toBe(1);
        first.dispose();
      }
      b.dispose();
    }
    expect(shapes).toEqual([[4, 2, 4, 25, 3], [4, 2, 4, 25, 3], [2, 2, 4, 25, 3]]);
  });

  it('prefetches, and disposes prefetched batches that are never consumed', async () => {
    const before = tf.memory().numTensors;
    const ds = Dataset.fromArray(range(40).map(sample)).shuffle(3).batch(4).prefetch(3);
    let n = 0;
    for await (const b of ds) {
      b.dispose();
      if (++n === 2) break;
    }
    // The prefetcher disposes what it had read ahead when its consumer stops: wait for that, no fixed sleep.
    await vi.waitFor(() => expect(tf.memory().numTensors).toBe(before));
    const streamed = Dataset.fromIterable(() => range(40).map(sample)).batch(4).prefetch(2);
    for await (const b of streamed) {
      b.dispose();
      break;
    }
    await vi.waitFor(() => expect(tf.memory().numTensors).toBe(before));
    expect(await Dataset.fromIterable(() => range(7)).prefetch(3).toArray()).toEqual(range(7));
  });

  it('propagates errors from a map with the element', async () => {
    const ds = Dataset.fromArray(range(5)).map((v) => {
      if (v === 3) throw new Error(`bad element ${v}`);
      return v;
    });
    await expect(ds.toArray()).rejects.toThrow('bad element 3');
    await expect(ds.prefetch(2).toArray()).rejects.toThrow('bad element 3');
  });
});

describe('toObservable', () => {
  it('emits, completes, and stops pulling on unsubscribe', async () => {
    const seen: number[] = [];
    await new Promise<void>((resolve, reject) =>
      toObservable(Dataset.fromArray(range(5))).subscribe({ next: (v) => seen.push(v), error: reject, complete: resolve }),
    );
    expect(seen).toEqual(range(5));

    let pulled = 0;
    const endless = Dataset.fromIterable(async function* () {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
        await new Promise((r) => setTimeout(r, 1));
      }
    });
    const got: number[] = [];
    const sub = toObservable(endless).subscribe((v) => {
      got.push(v);
      if (got.length === 3) sub.unsubscribe();
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([0, 1, 2]);
    expect(pulled).toBeLessThanOrEqual(4);

    const failing = Dataset.fromIterable(async function* () {
      yield 1;
      throw new Error('source failed');
    });
    await expect(new Promise((resolve, reject) => toObservable(failing).subscribe({ error: reject, complete: () => resolve(undefined) }))).rejects.toThrow('source failed');
  });
});
