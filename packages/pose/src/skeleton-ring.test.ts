import { layouts, LIVE_SPINE_MID_FRACTION, NtuJoint as J, packSkeleton, selectBodies, synthesizeNtu, type Layout } from '@skelnorm/data';
import { describe, expect, it } from 'vitest';
import { blazePoseToNtu, SkeletonRing } from './index.js';
import { tPoseWorld } from './test-support/t-pose.js';

const ntu25 = layouts.ntu25;
const V3 = 75;
const FRAME_MS = 1000 / 30;

/** A skeleton whose every number is `value(joint * 3 + c)`; never zero, so never "absent". */
const skeleton = (value: (i: number) => number) => Float32Array.from({ length: V3 }, (_, i) => value(i));
/** The raw window, without preprocessing: `transform: false` only crops/pads to T (here a no-op). */
const rawRing = (frames: number, extra: { maxGapMs?: number; persons?: number; layout?: Layout } = {}) =>
  new SkeletonRing({ layout: extra.layout ?? ntu25, frames, transform: false, ...extra });

/** Linear interpolation of `(t, value)` pushes at time `g`, written directly. */
function lerpAt(times: number[], values: Float32Array[], g: number): number[] {
  let i = 0;
  while (i + 1 < times.length && times[i + 1]! <= g) i++;
  if (i === times.length - 1) return Array.from(values[i]!);
  const w = (g - times[i]!) / (times[i + 1]! - times[i]!);
  return Array.from(values[i]!, (v, k) => (1 - w) * v + w * values[i + 1]![k]!);
}

const frameOf = (data: Float32Array, T: number, t: number, m = 0) => data.subarray((m * T + t) * V3, (m * T + t + 1) * V3);

describe('SkeletonRing', () => {
  it('resamples pushes at irregular timestamps to 30 fps, the newest last, by linear interpolation', () => {
    const times = [0, 20, 55, 90, 100, 141, 180, 230, 260, 300, 333, 370];
    const values = times.map((t) => skeleton((i) => 1 + Math.sin(t / 50 + i)));
    const T = 10;
    const ring = rawRing(T);
    times.forEach((t, k) => ring.push(t, [values[k]!]));
    const sample = ring.toSample('irregular');
    expect([sample.persons, sample.frames, sample.joints, sample.channels]).toEqual([2, T, 25, 3]);
    expect([sample.name, sample.label]).toEqual(['irregular', 0]);
    for (let k = 0; k < T; k++) {
      const g = 370 - (T - 1 - k) * FRAME_MS; // grid ending at the newest push
      const want = lerpAt(times, values, g);
      Array.from(frameOf(sample.data, T, k)).forEach((v, i) => expect(v, `frame ${k} value ${i}`).toBeCloseTo(want[i]!, 5));
    }
    expect(frameOf(sample.data, T, T - 1)).toEqual(values.at(-1));
    expect(sample.data.subarray(T * V3).every((v) => v === 0)).toBe(true); // slot 1 absent
    expect(Array.from(sample.personMask)).toEqual([1, 0]);
  });

  it('counts filled frames at the model rate; ready when T frames are spanned', () => {
    const T = 4;
    const ring = rawRing(T);
    expect([ring.filled, ring.ready]).toEqual([0, false]);
    const fills: number[] = [];
    for (let k = 0; k < 6; k++) {
      ring.push(k * FRAME_MS, [skeleton(() => 1 + k)]);
      fills.push(ring.filled);
    }
    expect(fills).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
    expect(ring.ready).toBe(true);
    // Pushes at 15 fps span the window at the same time, with half the skeletons.
    const slow = rawRing(T);
    slow.push(0, [skeleton(() => 1)]);
    slow.push(2 * FRAME_MS, [skeleton(() => 2)]);
    expect(slow.filled).toBe(0.75);
    const s = slow.toSample();
    expect(Array.from(s.data.subarray(0, 3 * V3)).filter((_, i) => i % V3 === 0)).toEqual([1, 1.5, 2]); // frame 1 interpolated
    ring.reset();
    expect([ring.filled, ring.ready]).toEqual([0, false]);
  });

  it('interpolates across a gap shorter than maxGapMs', () => {
    const T = 20;
    const ring = rawRing(T, { maxGapMs: 500 });
    const times = [0, 33, 67, 100, 500, 533]; // 400 ms without a skeleton (e.g. missed detections)
    ring.push(times[0]!, [skeleton(() => 1)]);
    times.slice(1).forEach((t, k) => {
      if (k === 3) ring.push(300, []); // nobody seen for a moment: time passes, nothing is added
      ring.push(t, [skeleton(() => 1 + t / 100)]);
    });
    expect(ring.filled).toBeCloseTo(16 / 20, 6); // 533 ms is 15.99 frame times: 15 whole intervals, 16 frames
    const sample = ring.toSample();
    const values = times.map((t) => skeleton(() => (t === 0 ? 1 : 1 + t / 100)));
    for (let k = 0; k < 16; k++) {
      const g = 533 - (15 - k) * FRAME_MS;
      expect(frameOf(sample.data, T, k)[0]).toBeCloseTo(lerpAt(times, values, Math.max(0, g))[0]!, 5);
    }
  });

  it('starts over after nobody was seen for longer than maxGapMs', () => {
    const ring = rawRing(8, { maxGapMs: 500 });
    for (let k = 0; k < 8; k++) ring.push(k * FRAME_MS, [skeleton(() => 1)]);
    expect(ring.ready).toBe(true);
    ring.push(400, []);
    expect(ring.ready).toBe(true); // 167 ms without anybody: still bridged
    ring.push(800, []); // 567 ms since the last skeleton at 233 ms
    expect(ring.filled).toBe(0);
    ring.push(833, [skeleton(() => 2)]);
    expect(ring.filled).toBe(1 / 8);
    // A skeleton after a long silence without any push resets as well.
    ring.push(866, [skeleton(() => 2)]);
    ring.push(2000, [skeleton(() => 3)]);
    expect(ring.filled).toBe(1 / 8);
    expect(ring.toSample().data[0]).toBe(3); // one frame, padded after it (transform: false fits by padding)
  });

  it('refuses a timestamp smaller than the previous one, naming both; an equal one replaces the skeleton', () => {
    const ring = rawRing(4);
    ring.push(100, [skeleton(() => 1)]);
    expect(() => ring.push(90, [skeleton(() => 1)])).toThrow(/timestamp 90 ms is before the previous one, 100 ms/);
    ring.push(100, [skeleton(() => 5)]);
    expect(ring.toSample().data[0]).toBe(5);
    expect(() => ring.push(200, [new Float32Array(51)])).toThrow(/person 0 has 51 numbers; layout ntu25 expects V \* C = 25 \* 3 = 75/);
    expect(() => ring.push(Number.NaN, [])).toThrow(/finite/);
    expect(() => ring.push(300, [skeleton((i) => (i === 31 ? Number.NaN : 1))])).toThrow(/person 0, joint 10, channel 1 is NaN at 300 ms/);
    ring.reset();
    ring.push(5, [skeleton(() => 1)]); // a new clock after reset
    expect(ring.filled).toBe(1 / 4);
  });

  it('keeps the first M persons of a push and drops the rest', () => {
    const ring = rawRing(2, { persons: 2 });
    for (const t of [0, FRAME_MS]) ring.push(t, [skeleton(() => 1), skeleton(() => 2), skeleton(() => 3)]);
    const sample = ring.toSample();
    expect(sample.persons).toBe(2);
    expect(sample.data.length).toBe(2 * 2 * V3);
    expect([sample.data[0], sample.data[2 * V3]]).toEqual([1, 2]);
    expect(sample.data.includes(3)).toBe(false);
  });

  it('gives an all-zero [M, T, V, C] sample when empty', () => {
    const sample = new SkeletonRing({ layout: layouts['ntu25-live'], frames: 16 }).toSample();
    expect([sample.persons, sample.frames, sample.joints, sample.channels, sample.validFrames]).toEqual([2, 16, 25, 3, 0]);
    expect(sample.data.every((v) => v === 0)).toBe(true);
  });

  it("preprocesses the window as training data of its layout: pushes at 30 fps equal packSkeleton's ntu25-live sample of the same frames", () => {
    const { samples } = synthesizeNtu({ classes: 12, perClass: 1, seed: 3 });
    const two = samples.find((s) => s.label === 11)!; // a two-person class: both slots, their order kept
    for (const { file } of [samples[0]!, two]) {
      const persons = selectBodies(file, { policy: 'energy', maxPersons: 2 }).persons;
      const F = file.frameCount;
      const ring = new SkeletonRing({ layout: layouts['ntu25-live'], frames: F });
      for (let f = 0; f < F; f++) {
        ring.push(f * FRAME_MS, persons.map((p) => (p.present[f] ? p.xyz.slice(f * V3, (f + 1) * V3) : new Float32Array(V3))));
      }
      expect(ring.ready).toBe(true);
      const live = ring.toSample();
      const trained = packSkeleton(file, { frames: F, layout: 'ntu25-live', label: 0 });
      expect([live.persons, live.frames, live.joints, live.channels]).toEqual([2, F, 25, 3]);
      expect(Array.from(live.personMask)).toEqual(Array.from(trained.personMask));
      let worst = 0;
      live.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - trained.data[i]!))));
      expect(worst, file.name).toBeLessThan(1e-5);
    }
  });

  it('turns BlazePose skeletons into a centred, view-aligned ntu25-live window', () => {
    const ring = new SkeletonRing({ layout: layouts['ntu25-live'], frames: 8 });
    const world = tPoseWorld();
    for (let k = 0; k < 8; k++) {
      // The person walks 5 cm per frame to the image's right (BlazePose +x); timestamps jitter.
      const moved = world.map((p) => ({ ...p, x: p.x + 0.05 * k }));
      ring.push(1000 + k * FRAME_MS + (k % 2) * 3, [blazePoseToNtu(moved).xyz]);
    }
    const s = ring.toSample();
    const at = (t: number, j: number) => Array.from(s.data.subarray((t * 25 + j) * 3, (t * 25 + j) * 3 + 3));
    at(0, J.spineMid).forEach((v) => expect(Math.abs(v)).toBeLessThan(0.01)); // centred on the first frame's spine mid
    // Aligned: shoulders along +x (left to right), spine along +z.
    const [l, r] = [at(0, J.leftShoulder), at(0, J.rightShoulder)];
    expect(r[0]! - l[0]!).toBeCloseTo(0.38, 3);
    expect(Math.abs(r[1]! - l[1]!) + Math.abs(r[2]! - l[2]!)).toBeLessThan(1e-5);
    expect(at(0, J.spineShoulder)[2]).toBeCloseTo((1 - LIVE_SPINE_MID_FRACTION) * 0.51, 2); // 0.51 m above spine base
  });
});
