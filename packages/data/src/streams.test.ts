import { describe, expect, it } from 'vitest';
import { jointToBone, layouts, ntuBones, ntuJointParents, skeletonStream, skeletonStreams, streamOptionsOf, toMotion, type SkeletonSample } from './index.js';

/** A sample `[M, T, V, 3]` whose values come from `value(m, t, v, c)`; frames past `validFrames` and persons in `absent` are zero. */
function sample(M: number, T: number, V: number, value: (m: number, t: number, v: number, c: number) => number, opts: { validFrames?: number; absent?: number[] } = {}): SkeletonSample {
  const validFrames = opts.validFrames ?? T;
  const data = new Float32Array(M * T * V * 3);
  for (let m = 0; m < M; m++) {
    if (opts.absent?.includes(m)) continue;
    for (let t = 0; t < validFrames; t++) for (let v = 0; v < V; v++) for (let c = 0; c < 3; c++) data[((m * T + t) * V + v) * 3 + c] = value(m, t, v, c);
  }
  const personMask = Uint8Array.from({ length: M }, (_, m) => (opts.absent?.includes(m) ? 0 : 1));
  return { name: 'S001C001P001R001A001', label: 0, data, persons: M, frames: T, joints: V, channels: 3, validFrames, personMask };
}
const at = (s: SkeletonSample, m: number, t: number, v: number) => {
  const i = ((m * s.frames + t) * s.joints + v) * 3;
  return Array.from(s.data.subarray(i, i + 3));
};

describe('jointToBone', () => {
  it('gives each joint minus its parent on a hand-made 4-joint chain, the root zero', () => {
    // Tree 0 <- 1 <- 2, 0 <- 3; joints at known places.
    const places = [[0, 0, 0], [0, 1, 0], [0, 3, 0.5], [2, 0, -1]];
    const s = sample(1, 2, 4, (_m, t, v, c) => places[v]![c]! + t);
    const bone = jointToBone(s, { parents: [-1, 0, 1, 0] });
    for (const t of [0, 1]) {
      expect(at(bone, 0, t, 0)).toEqual([0, 0, 0]);
      expect(at(bone, 0, t, 1)).toEqual([0, 1, 0]);
      expect(at(bone, 0, t, 2)).toEqual([0, 2, 0.5]);
      expect(at(bone, 0, t, 3)).toEqual([2, 0, -1]);
    }
  });

  it('follows the NTU tree by default: 24 bones, the root (spine shoulder) zero, absent persons zero', () => {
    // Joint v at (v, v^2, -v) / 10: bone v = (v - p, v^2 - p^2, p - v) / 10.
    const s = sample(2, 3, 25, (_m, _t, v, c) => [v, v * v, -v][c]! / 10, { absent: [1] });
    const bone = jointToBone(s);
    const root = ntuJointParents.indexOf(-1);
    expect(root).toBe(20);
    expect(at(bone, 0, 1, 20)).toEqual([0, 0, 0]);
    for (const [v, p] of ntuBones) {
      const expected = [(v - p) / 10, (v * v - p * p) / 10, (p - v) / 10];
      at(bone, 0, 2, v).forEach((x, c) => expect(x).toBeCloseTo(expected[c]!, 5));
    }
    expect(bone.data.subarray(3 * 25 * 3).every((x) => x === 0)).toBe(true); // person 1 stays all zero
    expect(s.data[3]).toBeCloseTo(0.1, 6); // the input is untouched
  });

  it('names the sample when the tree does not fit it', () => {
    expect(() => jointToBone(sample(1, 1, 4, () => 1))).toThrow(/tree has 25 joints but sample S001C001P001R001A001 has V=4/);
  });
});

describe('toMotion', () => {
  it('gives frame t+1 minus frame t, the last valid frame and the padding zero', () => {
    // Person 0 moves along x^2: x(t) = t^2, so motion(t) = 2t + 1; T = 6, 4 valid frames.
    const s = sample(2, 6, 2, (_m, t, v, c) => (c === 0 ? t * t : v + 1), { validFrames: 4, absent: [1] });
    const motion = toMotion(s);
    for (let t = 0; t < 3; t++) expect(at(motion, 0, t, 1)).toEqual([2 * t + 1, 0, 0]);
    for (let t = 3; t < 6; t++) expect(at(motion, 0, t, 0)).toEqual([0, 0, 0]);
    expect(motion.data.subarray(6 * 2 * 3).every((x) => x === 0)).toBe(true);
  });

  it('is zero where a person is absent in either frame (no jump to the origin)', () => {
    const s = sample(1, 5, 1, (_m, t) => t + 1);
    s.data.fill(0, 2 * 3, 3 * 3); // frame 2 absent
    const motion = toMotion(s);
    expect([0, 1, 2, 3, 4].map((t) => at(motion, 0, t, 0)[0])).toEqual([1, 0, 0, 1, 0]);
  });
});

describe('skeletonStream', () => {
  it('bone-motion is the motion of the bones, with the joints deciding presence', () => {
    // 2-joint chain; the child's offset from the root grows by t: bone(t) = (t + 1, 0, 0); bone-motion = 1.
    const s = sample(1, 4, 2, (_m, t, v, c) => (c === 0 ? 5 + v * (t + 1) : 2), { validFrames: 3 });
    const bm = skeletonStream(s, 'bone-motion', { parents: [-1, 0] });
    expect([0, 1, 2, 3].map((t) => at(bm, 0, t, 1)[0])).toEqual([1, 1, 0, 0]);
    expect([0, 1, 2, 3].map((t) => at(bm, 0, t, 0)[0])).toEqual([0, 0, 0, 0]);
    expect(skeletonStream(s, 'joint')).toBe(s);
    expect(skeletonStreams).toEqual(['joint', 'bone', 'joint-motion', 'bone-motion']);
  });
});

describe('streams of a layout with a confidence channel (COCO-17 x, y, score)', () => {
  it('carries the mean confidence in bones and motion, as PYSKL, and the layout\'s own tree', () => {
    const layout = layouts.coco17;
    const options = streamOptionsOf(layout);
    expect(options).toEqual({ parents: layout.parents, confidence: 2 });
    // Keypoint v in frame t at (v + t, 2v, score (v + 1) / 20 + t / 10).
    const s = sample(1, 3, 17, (_m, t, v, c) => [v + t, 2 * v, (v + 1) / 20 + t / 10][c]!);
    const bone = jointToBone(s, options);
    layout.parents.forEach((p, v) => {
      const q = p < 0 ? v : p;
      const expected = [p < 0 ? 0 : v - p, p < 0 ? 0 : 2 * (v - p), ((v + 1) / 20 + (q + 1) / 20) / 2 + 0.1];
      at(bone, 0, 1, v).forEach((x, c) => expect(x).toBeCloseTo(expected[c]!, 5));
    });
    const motion = skeletonStream(s, 'joint-motion', options);
    at(motion, 0, 0, 4).forEach((x, c) => expect(x).toBeCloseTo([1, 0, 5 / 20 + 0.05][c]!, 5));
    expect(at(motion, 0, 2, 4)).toEqual([0, 0, 0]);
  });
});
