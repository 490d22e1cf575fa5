import { describe, expect, it } from 'vitest';
import {
  builtinSyntheticNtu, CocoKeypoint, NtuJoint, packSkeleton, packSkeleton2d, parseSkeleton, projectNtuToCoco, synthesizeNtu, type SkeletonSample,
} from './index.js';
import { readRealSample, referenceRead } from './test-support/ntu-samples.js';

/** Channel `c` of joint `v`, person `m`, frame `t`. */
const at = (s: SkeletonSample, m: number, t: number, v: number, c: number) => s.data[((m * s.frames + t) * s.joints + v) * s.channels + c]!;

/** A person facing the camera 3 m away (Kinect camera space: x grows to the sensor's left, so their right is +x). */
function facingBody(turned = false): { xyz: Float32Array; states: Uint8Array } {
  const xyz = new Float32Array(75);
  const put = (j: number, p: [number, number, number]) => xyz.set(p, j * 3);
  for (let j = 0; j < 25; j++) put(j, [0, 0, 3]);
  put(NtuJoint.head, [0, 0.5, 3]);
  put(NtuJoint.neck, [0, 0.35, 3]);
  // Turned: the right shoulder towards the camera.
  put(NtuJoint.leftShoulder, turned ? [0, 0.3, 3.2] : [-0.2, 0.3, 3]);
  put(NtuJoint.rightShoulder, turned ? [0, 0.3, 2.8] : [0.2, 0.3, 3]);
  put(NtuJoint.leftWrist, [-0.4, 0, 3]);
  const states = new Uint8Array(25).fill(2);
  states[NtuJoint.leftWrist] = 1;
  return { xyz, states };
}

describe('projectNtuToCoco', () => {
  const f = 1060;
  it('projects body joints with the Kinect colour pinhole and scores them by tracking state', () => {
    const { xyz, states } = facingBody();
    const out = new Float32Array(51);
    projectNtuToCoco(xyz, states, out);
    const k = CocoKeypoint.leftWrist;
    // u = 960 + 1060 x / z, normalized (u - 960) / 960; inferred = 0.5.
    expect([out[k * 3], out[k * 3 + 1], out[k * 3 + 2]]).toEqual([expect.closeTo((f * -0.4) / 3 / 960, 6), expect.closeTo(0, 9), 0.5]);
    const s = CocoKeypoint.rightShoulder;
    expect([out[s * 3], out[s * 3 + 1], out[s * 3 + 2]]).toEqual([expect.closeTo((f * 0.2) / 3 / 960, 6), expect.closeTo(-(f * 0.3) / 3 / 540, 6), 1]);
  });

  it('places the face on the head: nose forward towards the camera, ears to the sides, scored by how they face it', () => {
    const { xyz, states } = facingBody();
    const out = new Float32Array(51);
    projectNtuToCoco(xyz, states, out);
    // Facing the camera: forward = (0, 0, -1); nose = head + 0.1 forward - 0.03 up = (0, 0.47, 2.9).
    const n = CocoKeypoint.nose;
    const towardCamera = 3 / Math.hypot(0.5, 3); // unit(-head) . (0, 0, -1) ...
    const noseCos = (0.03 * 0.5 + 0.1 * 3) / Math.hypot(0.03, 0.1) / Math.hypot(0.5, 3); // unit(0, -0.03, -0.1) . unit(0, -0.5, -3)
    expect(towardCamera).toBeGreaterThan(0.98);
    expect([out[n * 3], out[n * 3 + 1], out[n * 3 + 2]]).toEqual([0, expect.closeTo(-(f * 0.47) / 2.9 / 540, 6), expect.closeTo(0.5 + 0.5 * noseCos, 6)]);
    // Left ear = head - 0.075 right = (-0.075, 0.5, 3); sideways to the camera's line of sight: score 0.5.
    const e = CocoKeypoint.leftEar;
    expect([out[e * 3], out[e * 3 + 1], out[e * 3 + 2]]).toEqual([expect.closeTo((f * -0.075) / 3 / 960, 6), expect.closeTo(-(f * 0.5) / 3 / 540, 6), expect.closeTo(0.5, 6)]);
  });

  it("fades a turned head's far ear to 'not detected'", () => {
    const { xyz, states } = facingBody(true);
    const out = new Float32Array(51);
    projectNtuToCoco(xyz, states, out);
    // right = (0, 0, -1): the right ear faces the camera, cos = 3 / hypot(0.5, 3).
    const cos = 3 / Math.hypot(0.5, 3);
    expect(out[CocoKeypoint.rightEar * 3 + 2]).toBeCloseTo(0.5 + 0.5 * cos, 6);
    const l = CocoKeypoint.leftEar;
    expect([out[l * 3], out[l * 3 + 1], out[l * 3 + 2]]).toEqual([0, 0, expect.closeTo(0.5 - 0.5 * cos, 6)]);
  });

  it('names the shapes it expected', () => {
    expect(() => projectNtuToCoco(new Float32Array(75), new Uint8Array(25), new Float32Array(50))).toThrow(/expected xyz \[25, 3\], states \[25\] and out \[17, 3\], got 75, 25 and 50/);
  });
});

describe('packSkeleton2d', () => {
  it('ntu25-2d: the colour coordinates of a real file, image-normalized, with tracking state as confidence', () => {
    const name = 'S001C001P001R001A001';
    const bytes = readRealSample(name);
    const reference = referenceRead(new TextDecoder().decode(bytes));
    const file = parseSkeleton(bytes, { name, fields: 'all' });
    const sample = packSkeleton2d(file, { layout: 'ntu25-2d', frames: file.frameCount, time: 'fit' });
    expect([sample.persons, sample.frames, sample.joints, sample.channels, sample.label]).toEqual([2, 103, 25, 3, 0]);
    expect(Array.from(sample.personMask)).toEqual([1, 0]);
    let inferred = 0;
    for (const t of [0, 50, 102]) {
      for (let j = 0; j < 25; j++) {
        // Joint line fields 5, 6: colorX, colorY; 11: tracking state.
        const line = reference.frames[t]![0]!.joints[j]!;
        const confidence = line[11]! / 2;
        if (confidence === 0.5) inferred++;
        expect(at(sample, 0, t, j, 0)).toBeCloseTo(confidence > 0 ? (line[5]! - 960) / 960 : 0, 5);
        expect(at(sample, 0, t, j, 1)).toBeCloseTo(confidence > 0 ? (line[6]! - 540) / 540 : 0, 5);
        expect(at(sample, 0, t, j, 2)).toBe(confidence);
        expect(at(sample, 1, t, j, 2)).toBe(0);
      }
    }
    expect(inferred).toBeGreaterThan(0); // the file's inferred joints are among those checked
  });

  it('takes the persons that every body-selection policy picks, as the 3D packing does', () => {
    for (const name of ['S001C003P008R002A058', 'S001C001P001R001A011']) {
      const file = parseSkeleton(readRealSample(name), { name, fields: 'all' });
      for (const select of ['order', 'energy', 'denoise'] as const) {
        const flat = packSkeleton2d(file, { layout: 'ntu25-2d', select, frames: 32 });
        const coco = packSkeleton2d(file, { layout: 'coco17', select, frames: 32 });
        const ntu = packSkeleton(file, { select, frames: 32 });
        expect(Array.from(flat.personMask), `${name} ${select}`).toEqual(Array.from(ntu.personMask));
        expect(Array.from(coco.personMask), `${name} ${select}`).toEqual(Array.from(ntu.personMask));
        expect([flat.validFrames, coco.validFrames]).toEqual([ntu.validFrames, ntu.validFrames]);
      }
    }
  });

  it('ntu25-2d refuses a file parsed without its colour fields, naming it', () => {
    const name = 'S001C001P001R001A001';
    const file = parseSkeleton(readRealSample(name), { name });
    expect(() => packSkeleton2d(file, { layout: 'ntu25-2d' })).toThrow(/S001C001P001R001A001: body \d+ has no colour coordinates; parse the file with \{ fields: 'all' \}/);
  });

  it("coco17 of a synthetic file agrees with its colour coordinates where the joints coincide (both are the generator's pinhole)", () => {
    const { samples } = synthesizeNtu({ classes: 2, perClass: 3, seed: 4, fields: 'all' });
    for (const { file } of samples) {
      const flat = packSkeleton2d(file, { layout: 'ntu25-2d', frames: file.frameCount, time: 'fit' });
      const coco = packSkeleton2d(file, { layout: 'coco17', frames: file.frameCount, time: 'fit' });
      expect([coco.joints, coco.channels, coco.validFrames]).toEqual([17, 3, flat.validFrames]);
      for (let t = 0; t < flat.validFrames; t++) {
        for (const [k, j] of [[CocoKeypoint.leftShoulder, NtuJoint.leftShoulder], [CocoKeypoint.rightKnee, NtuJoint.rightKnee]] as const) {
          for (let c = 0; c < 3; c++) expect(at(coco, 0, t, k, c)).toBeCloseTo(at(flat, 0, t, j, c), 4);
        }
      }
    }
  });
});

describe('the synthetic set in 2D layouts', () => {
  const options = { classes: 3, perClass: 6, frames: 16, seed: 2 } as const;
  it('gives the same samples in every layout, as [2, T, 17, 3] for coco17', async () => {
    const ntu = await builtinSyntheticNtu(options).test.toArray();
    const coco = await builtinSyntheticNtu({ ...options, layout: 'coco17' }).test.toArray();
    const flat = await builtinSyntheticNtu({ ...options, layout: 'ntu25-2d' }).test.toArray();
    expect(coco.map((s) => [s.name, s.label])).toEqual(ntu.map((s) => [s.name, s.label]));
    expect(flat.map((s) => [s.name, s.label])).toEqual(ntu.map((s) => [s.name, s.label]));
    for (const s of coco) {
      expect([s.persons, s.frames, s.joints, s.channels]).toEqual([2, 16, 17, 3]);
      for (let i = 0; i < s.data.length; i += 3) {
        expect(Math.abs(s.data[i]!)).toBeLessThan(1.5);
        expect(Math.abs(s.data[i + 1]!)).toBeLessThan(1.5);
        expect(s.data[i + 2]).toBeGreaterThanOrEqual(0);
        expect(s.data[i + 2]).toBeLessThanOrEqual(1);
      }
    }
    expect(flat.every((s) => s.joints === 25 && s.channels === 3)).toBe(true);
  });

  it("faces the camera where the performers do: camera 1 sees the nose best and both ears alike, the side cameras one ear each", async () => {
    const coco = await builtinSyntheticNtu({ ...options, layout: 'coco17' }).train.toArray();
    const meanScore = (camera: string, keypoint: number) => {
      const scores = coco.filter((s) => s.name.includes(camera)).flatMap((s) => Array.from({ length: s.validFrames }, (_, t) => at(s, 0, t, keypoint, 2)));
      return scores.reduce((a, b) => a + b, 0) / scores.length;
    };
    const { nose, leftEar, rightEar } = CocoKeypoint;
    // A forward axis of the wrong sign would put camera 1's noses near 0.2 and swap the side cameras' ears.
    expect(meanScore('C001', nose)).toBeGreaterThan(0.75);
    expect(meanScore('C002', nose)).toBeLessThan(meanScore('C001', nose));
    expect(meanScore('C003', nose)).toBeLessThan(meanScore('C001', nose));
    expect(Math.abs(meanScore('C001', leftEar) - meanScore('C001', rightEar))).toBeLessThan(0.15);
    // C002 at +45 degrees sees the performers' left side, C003 at -45 their right.
    expect(meanScore('C002', leftEar) - meanScore('C002', rightEar)).toBeGreaterThan(0.3);
    expect(meanScore('C003', rightEar) - meanScore('C003', leftEar)).toBeGreaterThan(0.3);
  });
});
