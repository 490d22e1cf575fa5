import { describe, expect, it } from 'vitest';
import {
  alignView, centreOnJoint, cropFrames, fitFrames, parseSkeleton, packSkeleton, randomCropResize, randomRotation, resampleFrames,
  rotationFromAngles, trimEmptyFrames, type SkeletonSample,
} from './index.js';
import { Generator } from '@skelnorm/nn';
import { readRealSample } from './test-support/ntu-samples.js';

/** A 1-person sample of T frames whose joint j in frame t is (t + j/100, 2t, -t) + 1 (never all zero). */
function ramp(T: number, validFrames = T): SkeletonSample {
  const data = new Float32Array(2 * T * 75);
  for (let t = 0; t < validFrames; t++) for (let j = 0; j < 25; j++) data.set([t + j / 100 + 1, 2 * t + 1, -t + 1], (t * 25 + j) * 3);
  return { name: 'S001C001P001R001A001', label: 0, data, persons: 2, frames: T, joints: 25, channels: 3, validFrames, personMask: Uint8Array.of(1, 0) };
}
const at = (s: SkeletonSample, m: number, t: number, j: number) => Array.from(s.data.subarray(((m * s.frames + t) * 25 + j) * 3, ((m * s.frames + t) * 25 + j) * 3 + 3));

describe('temporal transforms', () => {
  it('resamples linearly with align_corners=False positions', () => {
    const s = resampleFrames(ramp(4), 8);
    // output t -> source (t + 0.5) * 4 / 8 - 0.5 = t/2 - 0.25, clamped to [0, 3]
    const expected = [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3];
    expected.forEach((src, t) => expect(at(s, 0, t, 0)[1]).toBeCloseTo(2 * src + 1, 5));
    expect(s.validFrames).toBe(8);
    expect(at(s, 1, 3, 0)).toEqual([0, 0, 0]); // absent person stays zero
  });

  it('does not blend a present frame with an absent one', () => {
    const s = ramp(4);
    s.data.fill(0, 2 * 75, 3 * 75); // frame 2 absent
    const r = resampleFrames(s, 8);
    expect(at(r, 0, 4, 0)[1]).toBeCloseTo(2 * 1 + 1, 5); // source 1.75: frames 1 and 2, 2 absent -> frame 1
  });

  it('crops, pads and trims', () => {
    expect(fitFrames(ramp(5), 3).frames).toBe(3);
    const padded = fitFrames(ramp(5), 8);
    expect(at(padded, 0, 4, 0)).toEqual([5, 9, -3]);
    expect(at(padded, 0, 5, 0)).toEqual([0, 0, 0]);
    expect(padded.validFrames).toBe(5);
    expect(at(cropFrames(ramp(5), 2, 3), 0, 0, 0)).toEqual([4, 7, -2]);
    const gappy = ramp(6);
    gappy.data.fill(0, 0, 75); // leading empty frame
    gappy.data.fill(0, 3 * 75, 4 * 75); // empty frame inside
    const trimmed = trimEmptyFrames(gappy);
    expect(trimmed.validFrames).toBe(4);
    expect(at(trimmed, 0, 0, 0)[1]).toBe(3);
    expect(at(trimmed, 0, 2, 0)[1]).toBe(9);
    expect(at(trimmed, 0, 4, 0)).toEqual([0, 0, 0]);
    const r1 = randomCropResize(ramp(20), 8, new Generator(3));
    expect(r1.data).toEqual(randomCropResize(ramp(20), 8, new Generator(3)).data);
  });
});

describe('spatial transforms', () => {
  const real = packSkeleton(parseSkeleton(readRealSample('S001C003P008R002A058'), { name: 'S001C003P008R002A058' }), { frames: 70, transform: false });

  it('centres on the spine of person 0 in its first frame and keeps zeros', () => {
    const c = centreOnJoint(real);
    expect(at(c, 0, 0, 1)).toEqual([0, 0, 0]);
    const before = at(real, 1, 5, 3);
    const origin = at(real, 0, 0, 1);
    at(c, 1, 5, 3).forEach((v, k) => expect(v).toBeCloseTo(before[k]! - origin[k]!, 6));
    const perFrame = centreOnJoint(real, { mode: 'per-frame' });
    for (const t of [0, 33, 69]) expect(at(perFrame, 0, t, 1)).toEqual([0, 0, 0]);
    const single = packSkeleton(parseSkeleton(readRealSample('S001C001P001R001A001'), { name: 'S001C001P001R001A001' }), { frames: 120, transform: false });
    expect(at(centreOnJoint(single), 1, 0, 0)).toEqual([0, 0, 0]);
    expect(at(centreOnJoint(single), 0, 110, 0)).toEqual([0, 0, 0]); // padding stays padding
  });

  it('aligns the spine to z (or y) and the shoulders to x', () => {
    for (const up of ['z', 'y'] as const) {
      const a = alignView(centreOnJoint(real), { up });
      const spine = at(a, 0, 0, 1).map((v, k) => v - at(a, 0, 0, 0)[k]!);
      const n = Math.hypot(...spine);
      const axis = up === 'z' ? 2 : 1;
      expect(spine[axis]! / n).toBeCloseTo(1, 5);
      const shoulders = at(a, 0, 0, 8).map((v, k) => v - at(a, 0, 0, 4)[k]!);
      expect(shoulders[3 - axis]).toBeCloseTo(0, 5); // no component along the third axis
      expect(shoulders[0]).toBeGreaterThan(0);
      // lengths are kept
      const bone = (s: SkeletonSample, t: number) => Math.hypot(...at(s, 1, t, 9).map((v, k) => v - at(s, 1, t, 8)[k]!));
      expect(bone(a, 40)).toBeCloseTo(bone(real, 40), 5);
    }
  });

  it('rotates randomly but reproducibly, keeping distances', () => {
    const r1 = randomRotation(real, new Generator(7));
    const r2 = randomRotation(real, new Generator(7));
    expect(r1.data).toEqual(r2.data);
    expect(r1.data).not.toEqual(real.data);
    const d = (s: SkeletonSample) => Math.hypot(...at(s, 0, 10, 3).map((v, k) => v - at(s, 1, 10, 3)[k]!));
    expect(d(r1)).toBeCloseTo(d(real), 5);
    // Rz(c) Ry(b) Rx(a) by hand for a = b = 0: a rotation by c about z.
    const R = rotationFromAngles(0, 0, Math.PI / 2);
    expect(Array.from(R).map((v) => Math.round(v * 1e12) / 1e12 + 0)).toEqual([0, -1, 0, 1, 0, 0, 0, 0, 1]);
  });
});
