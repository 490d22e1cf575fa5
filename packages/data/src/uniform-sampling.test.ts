import { describe, expect, it } from 'vitest';
import { Generator } from '@skelnorm/nn';
import { UNIFORM_TEST_SEED, uniformSample, uniformTestClips, uniformTestIndices, uniformTrainIndices, type SkeletonSample } from './index.js';

/** One person, one joint, whose x in frame t is t + 1 (so a picked frame reads back as its index + 1). */
function counter(T: number, validFrames = T): SkeletonSample {
  const data = new Float32Array(T * 3);
  for (let t = 0; t < validFrames; t++) data[t * 3] = t + 1;
  return { name: 'S001C001P001R001A001', label: 0, data, persons: 1, frames: T, joints: 1, channels: 3, validFrames, personMask: Uint8Array.of(1) };
}
const xs = (s: SkeletonSample) => Array.from({ length: s.frames }, (_, t) => s.data[t * 3]! - 1);

describe('uniformTrainIndices (PYSKL UniformSampleFrames, training)', () => {
  it('L >= 2T: one frame drawn in each of the T segments [floor(iL/T), floor((i+1)L/T))', () => {
    const [L, T, seed] = [50, 8, 7];
    const picked = Array.from(uniformTrainIndices(L, T, new Generator(seed, 0, 3)));
    const g = new Generator(seed, 0, 3);
    const expected = Array.from({ length: T }, (_, i) => {
      const from = Math.floor((i * L) / T);
      return from + g.nextInt(Math.floor(((i + 1) * L) / T) - from);
    });
    expect(picked).toEqual(expected);
    picked.forEach((p, i) => {
      expect(p).toBeGreaterThanOrEqual(Math.floor((i * L) / T));
      expect(p).toBeLessThan(Math.floor(((i + 1) * L) / T));
    });
  });

  it('T <= L < 2T: frame t shifted by the L - T skips (a choice of places in 0..T) at or before it', () => {
    const [L, T, seed] = [12, 8, 3];
    const picked = Array.from(uniformTrainIndices(L, T, new Generator(seed)));
    const skips = Array.from(new Generator(seed).permutation(T + 1).subarray(0, L - T));
    const expected = Array.from({ length: T }, (_, t) => t + skips.filter((p) => p <= t).length);
    expect(picked).toEqual(expected);
    picked.slice(1).forEach((p, i) => expect([1, 2]).toContain(p - picked[i]!));
    expect(uniformTrainIndices(T, T, new Generator(seed))).toEqual(Int32Array.from({ length: T }, (_, t) => t)); // L = T: every frame
  });

  it('L < T: T consecutive frames from a random start, looping modulo L', () => {
    const [L, T, seed] = [5, 8, 11];
    const start = new Generator(seed).nextInt(L);
    expect(Array.from(uniformTrainIndices(L, T, new Generator(seed)))).toEqual(Array.from({ length: T }, (_, t) => (start + t) % L));
  });

  it('differs between epochs and repeats for the same (seed, epoch, index)', () => {
    const a = uniformTrainIndices(300, 64, new Generator(0, 1, 5));
    expect(uniformTrainIndices(300, 64, new Generator(0, 1, 5))).toEqual(a);
    expect(uniformTrainIndices(300, 64, new Generator(0, 2, 5))).not.toEqual(a);
  });
});

describe('uniformTestIndices (PYSKL UniformSampleFrames, testing)', () => {
  it('L < T: clip i of K starts at floor(iL/K), or at i when L < K', () => {
    expect(Array.from(uniformTestIndices(5, 8, 2))).toEqual([0, 1, 2, 3, 4, 0, 1, 2, /* clip 1 from floor(5/2)=2 */ 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(Array.from(uniformTestIndices(3, 4, 4))).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
  });

  it('L >= 2T: fixed positions from the test seed, the same for every call', () => {
    const [L, T] = [40, 4];
    const g = new Generator(UNIFORM_TEST_SEED);
    const expected = Array.from({ length: 2 * T }, (_, k) => (k % T) * 10 + g.nextInt(10));
    expect(Array.from(uniformTestIndices(L, T, 2))).toEqual(expected);
    expect(uniformTestIndices(L, T, 2)).toEqual(uniformTestIndices(L, T, 2));
  });
});

describe('uniformSample / uniformTestClips', () => {
  it('gather the picked frames of the valid part; every output frame is valid', () => {
    const s = counter(10, 5); // 5 valid frames, 5 padded
    const clip = uniformSample(s, 8, new Generator(11));
    const start = new Generator(11).nextInt(5);
    expect(xs(clip)).toEqual(Array.from({ length: 8 }, (_, t) => (start + t) % 5));
    expect(clip.frames).toBe(8);
    expect(clip.validFrames).toBe(8);
    const clips = uniformTestClips(s, 8, 2);
    expect(clips.map(xs)).toEqual([[0, 1, 2, 3, 4, 0, 1, 2], [2, 3, 4, 0, 1, 2, 3, 4]]);
  });

  it('keeps an empty sample empty', () => {
    const empty = counter(6, 0);
    const clip = uniformSample(empty, 4, new Generator(0));
    expect(clip.data.every((x) => x === 0)).toBe(true);
    expect(clip.validFrames).toBe(0);
  });
});
