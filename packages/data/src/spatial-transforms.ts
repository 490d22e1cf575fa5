import { NtuJoint } from './kinect-joints.js';
import type { Generator } from '@skelnorm/nn';
import { withSample, type SkeletonSample } from './skeleton-sample.js';

/**
 * Transforms of the coordinates of a packed `[M, T, V, C=3]` sample. Joints that are exactly zero
 * (absent persons and frames, padding) stay zero. Each returns a new sample.
 */

/** A 3x3 rotation matrix, row-major: `p' = R p`. */
export type Matrix3 = readonly [number, number, number, number, number, number, number, number, number];

/** Person `m`'s first frame with any non-zero coordinate; -1 if none. */
function firstPresentFrame(sample: SkeletonSample, m: number): number {
  const { frames: T, joints: V, channels: C, data } = sample;
  const size = V * C;
  for (let t = 0; t < sample.validFrames; t++) {
    for (let i = (m * T + t) * size; i < (m * T + t + 1) * size; i++) if (data[i] !== 0) return t;
  }
  return -1;
}

/** The main person: person 0 if present, else the first present slot; -1 if the sample is empty. */
function mainPerson(sample: SkeletonSample): number {
  for (let m = 0; m < sample.persons; m++) if (firstPresentFrame(sample, m) >= 0) return m;
  return -1;
}

function checkChannels(sample: SkeletonSample, where: string): void {
  if (sample.channels !== 3) throw new RangeError(`${where}: expected 3 coordinates per joint in ${sample.name}, got ${sample.channels}`);
}

/** Options of {@link centreOnJoint}. */
export interface CentreOnJointOptions {
  /** The joint that becomes the origin; default 1 (spine mid), as CTR-GCN and 2s-AGCN. */
  readonly joint?: number;
  /**
   * `'first-frame'` (default, CTR-GCN's `seq_transformation`): subtract the main person's joint in
   * its first frame from every joint of every frame, so motion through the room is kept.
   * `'per-frame'` (2s-AGCN's `pre_normalization`): subtract, frame by frame, the main person's joint
   * in that frame.
   */
  readonly mode?: 'first-frame' | 'per-frame';
}

/** Translates the sample so that a joint of the main person is the origin. */
export function centreOnJoint(sample: SkeletonSample, options: CentreOnJointOptions = {}): SkeletonSample {
  checkChannels(sample, 'centreOnJoint');
  const joint = options.joint ?? NtuJoint.spineMid;
  const { persons: M, frames: T, joints: V } = sample;
  const main = mainPerson(sample);
  if (main < 0) return sample;
  const src = sample.data;
  const data = new Float32Array(src.length);
  const first = firstPresentFrame(sample, main);
  let ox = 0;
  let oy = 0;
  let oz = 0;
  for (let t = 0; t < T; t++) {
    const o = ((main * T + (options.mode === 'per-frame' ? t : first)) * V + joint) * 3;
    [ox, oy, oz] = [src[o]!, src[o + 1]!, src[o + 2]!];
    for (let m = 0; m < M; m++) {
      for (let v = 0; v < V; v++) {
        const i = ((m * T + t) * V + v) * 3;
        const x = src[i]!;
        const y = src[i + 1]!;
        const z = src[i + 2]!;
        if (x === 0 && y === 0 && z === 0) continue;
        data[i] = x - ox;
        data[i + 1] = y - oy;
        data[i + 2] = z - oz;
      }
    }
  }
  return withSample(sample, { data });
}

/** Applies `p' = R p` to every non-zero joint. */
export function rotateSample(sample: SkeletonSample, R: Matrix3): SkeletonSample {
  checkChannels(sample, 'rotateSample');
  const src = sample.data;
  const data = new Float32Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const x = src[i]!;
    const y = src[i + 1]!;
    const z = src[i + 2]!;
    if (x === 0 && y === 0 && z === 0) continue;
    data[i] = R[0] * x + R[1] * y + R[2] * z;
    data[i + 1] = R[3] * x + R[4] * y + R[5] * z;
    data[i + 2] = R[6] * x + R[7] * y + R[8] * z;
  }
  return withSample(sample, { data });
}

/** Options of {@link alignView}. */
export interface AlignViewOptions {
  /**
   * The axis the spine is turned to: `'z'` (default, as 2s-AGCN and MS-G3D's `pre_normalization`)
   * or `'y'` (Kinect's own up axis).
   */
  readonly up?: 'y' | 'z';
  /** Spine from, to; default `[0, 1]` (spine base to spine mid). */
  readonly spine?: readonly [number, number];
  /** Shoulder line from, to; default `[4, 8]` (left to right shoulder), turned to +x. */
  readonly shoulders?: readonly [number, number];
}

/**
 * View alignment: one rotation, taken from the main person's first frame, applied to every frame
 * and person, that turns the spine (spine base to spine mid) onto the `up` axis and the shoulder
 * line (left to right shoulder), made perpendicular to the spine, onto +x. 2s-AGCN does this with
 * two axis-angle rotations of which the second may tilt the spine again; here the frame is built by
 * Gram-Schmidt, so both hold exactly. Apply after {@link centreOnJoint}: rotation is about the origin.
 */
export function alignView(sample: SkeletonSample, options: AlignViewOptions = {}): SkeletonSample {
  checkChannels(sample, 'alignView');
  const [s0, s1] = options.spine ?? [NtuJoint.spineBase, NtuJoint.spineMid];
  const [l, r] = options.shoulders ?? [NtuJoint.leftShoulder, NtuJoint.rightShoulder];
  const main = mainPerson(sample);
  if (main < 0) return sample;
  const t = firstPresentFrame(sample, main);
  const { frames: T, joints: V, data } = sample;
  const at = (j: number) => {
    const o = ((main * T + t) * V + j) * 3;
    return [data[o]!, data[o + 1]!, data[o + 2]!] as const;
  };
  const u = normalize(sub(at(s1), at(s0)));
  const shoulder = sub(at(r), at(l));
  const xAxis = normalize(sub(shoulder, scale(u, dot(shoulder, u))));
  if (!u || !xAxis) return sample; // degenerate pose (coincident joints): leave it as it is
  let R: Matrix3;
  if ((options.up ?? 'z') === 'y') {
    const z = cross(xAxis, u); // x, y=u, z = x × y
    R = [...xAxis, ...u, ...z] as unknown as Matrix3;
  } else {
    const y = cross(u, xAxis); // x, z=u, y = z × x
    R = [...xAxis, ...y, ...u] as unknown as Matrix3;
  }
  return rotateSample(sample, R);
}

/** Rotation `Rz(c) Ry(b) Rx(a)` from angles in radians about x, y, z. */
export function rotationFromAngles(a: number, b: number, c: number): Matrix3 {
  const [ca, sa, cb, sb, cc, sc] = [Math.cos(a), Math.sin(a), Math.cos(b), Math.sin(b), Math.cos(c), Math.sin(c)];
  return [
    cc * cb, cc * sb * sa - sc * ca, cc * sb * ca + sc * sa,
    sc * cb, sc * sb * sa + cc * ca, sc * sb * ca - cc * sa,
    -sb, cb * sa, cb * ca,
  ];
}

/**
 * Training augmentation (CTR-GCN's `random_rot`): one rotation per sample, angles about x, y and z
 * each uniform in `[-maxAngle, maxAngle]` radians (default 0.3), `R = Rz Ry Rx`.
 */
export function randomRotation(sample: SkeletonSample, random: Generator, options: { readonly maxAngle?: number } = {}): SkeletonSample {
  const theta = options.maxAngle ?? 0.3;
  const a = random.uniform(-theta, theta);
  const b = random.uniform(-theta, theta);
  const c = random.uniform(-theta, theta);
  return rotateSample(sample, rotationFromAngles(a, b, c));
}

/**
 * Multiplies coordinate `c` of every joint by `factors[c]` (one factor per channel, `C` of them).
 * Linear, so zeros (absent persons, padding) stay zero and it commutes with bones and motion.
 */
export function scaleSample(sample: SkeletonSample, factors: readonly number[]): SkeletonSample {
  const C = sample.channels;
  if (factors.length !== C) throw new RangeError(`scaleSample: expected ${C} factors for sample ${sample.name} (one per coordinate), got ${factors.length}`);
  const src = sample.data;
  const data = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = src[i]! * factors[i % C]!;
  return withSample(sample, { data });
}

/**
 * Training augmentation (PYSKL's `RandomScale`): one factor per coordinate axis, each
 * `1 + u * scale` with `u` uniform in `[-1, 1)`, drawn once per sample. Default `scale = 0.1`
 * (PYSKL's NTU configs). `axes` (default: all `C`) scales only the first `axes` channels, so a
 * confidence channel after x, y keeps its value.
 */
export function randomScale(
  sample: SkeletonSample,
  random: Generator,
  options: { readonly scale?: number; readonly axes?: number } = {},
): SkeletonSample {
  const scale = options.scale ?? 0.1;
  const axes = options.axes ?? sample.channels;
  if (!(scale >= 0 && scale < 1)) throw new RangeError(`randomScale: scale must be in [0, 1), got ${scale}`);
  if (!Number.isInteger(axes) || axes < 1 || axes > sample.channels) throw new RangeError(`randomScale: axes must be an integer in [1, ${sample.channels}], got ${axes}`);
  const factors = Array.from({ length: sample.channels }, (_, c) => (c < axes ? 1 + random.uniform(-1, 1) * scale : 1));
  return scaleSample(sample, factors);
}

type Vec3 = readonly [number, number, number];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a: Vec3 | null, k: number): Vec3 => (a ? [a[0] * k, a[1] * k, a[2] * k] : [0, 0, 0]);
const dot = (a: Vec3, b: Vec3 | null) => (b ? a[0] * b[0] + a[1] * b[1] + a[2] * b[2] : 0);
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
function normalize(a: Vec3): Vec3 | null {
  const n = Math.hypot(a[0], a[1], a[2]);
  return n > 1e-9 ? [a[0] / n, a[1] / n, a[2] / n] : null;
}
