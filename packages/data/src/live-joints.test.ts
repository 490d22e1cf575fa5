import { describe, expect, it } from 'vitest';
import {
  builtinSyntheticNtu,
  LIVE_SPINE_MID_FRACTION,
  layouts,
  NtuJoint as J,
  packSkeleton,
  parseSkeleton,
  preprocessSample,
  synthesizeLiveJoints,
  synthesizeLiveSample,
  type SkeletonSample,
} from './index.js';
import { readRealSample } from './test-support/ntu-samples.js';

const a = LIVE_SPINE_MID_FRACTION;

/** Joint `j` of the skeleton at float offset `o`. */
const at = (xyz: ArrayLike<number>, j: number, o = 0) => [0, 1, 2].map((c) => xyz[o + j * 3 + c]!);
const mix = (p: number[], q: number[], w: number) => p.map((v, c) => (1 - w) * v + w * q[c]!);

/** Every formula of the `ntu25-live` synthesis, written out again by hand, checked on one skeleton. */
function expectLiveFormulas(xyz: ArrayLike<number>, o = 0, digits = 5): void {
  const close = (got: number[], want: number[], what: string) => got.forEach((v, c) => expect(v, `${what}[${c}]`).toBeCloseTo(want[c]!, digits));
  const base = mix(at(xyz, J.leftHip, o), at(xyz, J.rightHip, o), 0.5);
  const shoulder = mix(at(xyz, J.leftShoulder, o), at(xyz, J.rightShoulder, o), 0.5);
  close(at(xyz, J.spineBase, o), base, 'spine base = mid(hips)');
  close(at(xyz, J.spineShoulder, o), shoulder, 'spine shoulder = mid(shoulders)');
  close(at(xyz, J.spineMid, o), mix(base, shoulder, a), 'spine mid = 0 + a (20 - 0)');
  close(at(xyz, J.neck, o), mix(shoulder, at(xyz, J.head, o), 0.5), 'neck = mid(20, head)');
  close(at(xyz, J.leftHand, o), mix(at(xyz, J.leftWrist, o), at(xyz, J.leftHandTip, o), 0.5), 'left hand = mean(6, 21)');
  close(at(xyz, J.rightHand, o), mix(at(xyz, J.rightWrist, o), at(xyz, J.rightHandTip, o), 0.5), 'right hand = mean(10, 23)');
}

describe('synthesizeLiveJoints', () => {
  it('recomputes the six joints from hand-made sources and leaves the others', () => {
    const xyz = new Float32Array(75);
    for (let i = 0; i < 75; i++) xyz[i] = Math.sin(i * 1.7) + 0.1 * i; // every joint different, no zeros
    const before = xyz.slice();
    synthesizeLiveJoints(xyz);
    // By hand: hips at 12 and 16, shoulders at 4 and 8.
    const base = [0, 1, 2].map((c) => (before[36 + c]! + before[48 + c]!) / 2);
    const shoulder = [0, 1, 2].map((c) => (before[12 + c]! + before[24 + c]!) / 2);
    expect(Array.from(at(xyz, J.spineBase)).map((v, c) => v - base[c]!).every((d) => Math.abs(d) < 1e-6)).toBe(true);
    expect(at(xyz, J.spineMid)[1]).toBeCloseTo(base[1]! + a * (shoulder[1]! - base[1]!), 5);
    expectLiveFormulas(xyz);
    const synthesised = new Set<number>([J.spineBase, J.spineMid, J.neck, J.spineShoulder, J.leftHand, J.rightHand]);
    for (let j = 0; j < 25; j++) if (!synthesised.has(j)) expect(at(xyz, j), `joint ${j}`).toEqual(at(before, j));
  });

  it('is idempotent and writes the skeleton at an offset only', () => {
    const xyz = new Float32Array(150).map((_, i) => Math.cos(i));
    synthesizeLiveJoints(xyz, 75);
    const once = xyz.slice();
    synthesizeLiveJoints(xyz, 75);
    expect(xyz).toEqual(once);
    expect(Array.from(xyz.subarray(0, 75))).toEqual(Array.from(new Float32Array(75).map((_, i) => Math.cos(i))));
  });

  it('leaves all-zero frames and persons zero in a sample', () => {
    const data = new Float32Array(2 * 3 * 75);
    data.fill(0.5, 0, 75); // person 0, frame 0 only
    const sample: SkeletonSample = { name: 'x', label: 0, data, persons: 2, frames: 3, joints: 25, channels: 3, validFrames: 3, personMask: Uint8Array.of(1, 0) };
    const live = synthesizeLiveSample(sample);
    expect(live.data.subarray(75).every((v) => v === 0)).toBe(true);
    expect(sample.data[J.spineMid * 3]).toBe(0.5); // a copy: the input is untouched
  });
});

describe('the ntu25-live layout', () => {
  it("is ntu25's joints, channels and graph under its own name", () => {
    const live = layouts['ntu25-live'];
    expect(live.name).toBe('ntu25-live');
    expect([live.joints, live.channels, live.channelNames, live.parents, live.edges, live.centre]).toEqual([25, 3, ['x', 'y', 'z'], layouts.ntu25.parents, layouts.ntu25.edges, layouts.ntu25.centre]);
  });

  it('builtinSyntheticNtu gives samples that satisfy the synthesis formulas, absent persons all zero', async () => {
    const set = builtinSyntheticNtu({ layout: 'ntu25-live', classes: 2, perClass: 4, frames: 16 });
    const plain = builtinSyntheticNtu({ classes: 2, perClass: 4, frames: 16 });
    let checked = 0;
    let absent = 0;
    for (const [samples, ntu] of [[set.train, plain.train], [set.test, plain.test]] as const) {
      const [live, reference] = [await samples.toArray(), await ntu.toArray()];
      expect(live.length).toBeGreaterThan(0);
      for (const [n, s] of live.entries()) {
        expect([s.persons, s.frames, s.joints, s.channels]).toEqual([2, 16, 25, 3]);
        expect(s.name).toBe(reference[n]!.name);
        for (let m = 0; m < 2; m++) {
          const person = s.data.subarray(m * 16 * 75, (m + 1) * 16 * 75);
          if (!s.personMask[m]) {
            expect(person.every((v) => v === 0)).toBe(true);
            absent++;
            continue;
          }
          for (let t = 0; t < 16; t++) {
            expectLiveFormulas(person, t * 75, 4);
            checked++;
          }
        }
        expect(s.data).not.toEqual(reference[n]!.data); // the synthesis changed something
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(absent).toBeGreaterThan(0);
  });

  it('packSkeleton of a real NTU file: synthesis before centring, so the spine mid (synthesised) is the origin of frame 0', () => {
    const file = parseSkeleton(readRealSample('S001C001P001R001A001'), { name: 'S001C001P001R001A001' });
    const live = packSkeleton(file, { frames: 32, layout: 'ntu25-live' });
    for (let t = 0; t < 32; t++) expectLiveFormulas(live.data, t * 75, 4);
    // Centring on the first frame's spine mid, then resampling: the first output frame is near it.
    expect(Math.hypot(...at(live.data, J.spineMid))).toBeLessThan(0.05);
    // The same as synthesising the raw packing first and preprocessing it: one path for files and live input.
    const raw = packSkeleton(file, { frames: file.frameCount, transform: false });
    const again = preprocessSample(raw, { frames: 32, layout: 'ntu25-live' });
    expect(Array.from(again.data)).toEqual(Array.from(live.data));
  });
});
