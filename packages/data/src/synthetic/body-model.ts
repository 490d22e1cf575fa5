import { NTU_JOINT_COUNT } from '../kinect-joints.js';

/**
 * A kinematic model of the 25-joint Kinect v2 skeleton for the synthetic data set: a tree rooted at
 * the spine base, bone lengths measured on a real NTU RGB+D sample, a standing rest pose, local joint
 * rotations and forward kinematics.
 *
 * Body frame: +x the performer's right, +y up, +z the performer's back (a performer with yaw 0
 * faces a camera at -z, as Kinect's camera space has x to the sensor's left, y up, z away from it).
 */

const V = NTU_JOINT_COUNT;

/**
 * Median length of each joint's bone to its NTU parent (metres), the mean over the two files of
 * performer P001 in ../shared/ntu-samples (S001C001P001R001A001 and S001C001P001R001A011); joint 20
 * (the root) has none. A test recomputes them from those files.
 */
export const measuredBoneLengths: readonly number[] = Object.freeze([
  0.262, 0.195, 0.065, 0.127, 0.146, 0.231, 0.237, 0.067, 0.131, 0.204, 0.212, 0.097, 0.054, 0.339, 0.336,
  0.099, 0.075, 0.324, 0.341, 0.075, 0, 0.047, 0.045, 0.059, 0.044,
]);

/**
 * Parent in the generator's tree, rooted at the spine base (0) rather than NTU's spine shoulder (20):
 * the same 24 bones, with the spine (0-1, 1-20) walked upwards.
 */
export const kinematicParents: readonly number[] = Object.freeze([
  -1, 0, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18, 1, 7, 7, 11, 11,
]);

/** Joints in an order where every parent comes before its children. */
export const kinematicOrder: readonly number[] = Object.freeze([0, 1, 20, 2, 3, 4, 5, 6, 7, 21, 22, 8, 9, 10, 11, 23, 24, 12, 13, 14, 15, 16, 17, 18, 19]);

/** Left/right joint pairs (left, right). */
export const mirrorPairs: readonly (readonly [number, number])[] = Object.freeze([
  [4, 8], [5, 9], [6, 10], [7, 11], [12, 16], [13, 17], [14, 18], [15, 19], [21, 23], [22, 24],
] as const);

/** Bone length of joint j in the generator's tree: the NTU bone between j and its NTU parent, or the spine. */
function boneLength(j: number): number {
  if (j === 1) return measuredBoneLengths[0]!; // spine base - spine mid (NTU: 0's parent is 1)
  if (j === 20) return measuredBoneLengths[1]!; // spine mid - spine shoulder (NTU: 1's parent is 20)
  return measuredBoneLengths[j]!;
}

/** Left/right-averaged bone lengths (Kinect's estimates of the two sides differ by noise). */
export const symmetricBoneLengths: readonly number[] = Object.freeze(
  Array.from({ length: V }, (_, j) => {
    const pair = mirrorPairs.find(([l, r]) => l === j || r === j);
    return pair ? (boneLength(pair[0]) + boneLength(pair[1])) / 2 : j === 0 ? 0 : boneLength(j);
  }),
);

/** Rest direction of each bone (from the parent) in the body frame: standing, arms hanging, feet forward. */
const restDirections: readonly (readonly [number, number, number])[] = [
  [0, 0, 0], // 0 root
  [0, 1, 0.05], // 1 spine mid
  [0, 1, 0], // 2 neck
  [0, 1, -0.05], // 3 head
  [-1, -0.12, 0], // 4 left shoulder
  [0, -1, 0.02], // 5 left elbow
  [0, -1, -0.02], // 6 left wrist
  [0, -1, 0], // 7 left hand
  [1, -0.12, 0], // 8 right shoulder
  [0, -1, 0.02], // 9 right elbow
  [0, -1, -0.02], // 10 right wrist
  [0, -1, 0], // 11 right hand
  [-1, -0.35, 0], // 12 left hip
  [0, -1, 0], // 13 left knee
  [0, -1, 0.03], // 14 left ankle
  [0, -0.25, -1], // 15 left foot
  [1, -0.35, 0], // 16 right hip
  [0, -1, 0], // 17 right knee
  [0, -1, 0.03], // 18 right ankle
  [0, -0.25, -1], // 19 right foot
  [0, 1, -0.03], // 20 spine shoulder
  [0, -1, 0], // 21 left hand tip
  [0.3, -0.5, -0.8], // 22 left thumb
  [0, -1, 0], // 23 right hand tip
  [-0.3, -0.5, -0.8], // 24 right thumb
];

/** 3x3 row-major matrix. */
export type Mat3 = Float64Array;

export function identity3(): Mat3 {
  return Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
}

export function multiply3(a: Mat3, b: Mat3, out: Mat3 = new Float64Array(9)): Mat3 {
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) out[i * 3 + j] = a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
  return out;
}

/**
 * Rotation from Euler angles in degrees, applied x (flexion) first, then z (abduction), then y
 * (twist): `Ry Rz Rx`, written into `out` at `offset` (closed form, no temporaries).
 */
export function eulerDegrees(ax: number, ay: number, az: number, out: Float64Array = new Float64Array(9), offset = 0): Mat3 {
  const r = Math.PI / 180;
  const cx = Math.cos(ax * r);
  const sx = Math.sin(ax * r);
  const cy = Math.cos(ay * r);
  const sy = Math.sin(ay * r);
  const cz = Math.cos(az * r);
  const sz = Math.sin(az * r);
  // Rz Rx
  const a00 = cz, a01 = -sz * cx, a02 = sz * sx;
  const a10 = sz, a11 = cz * cx, a12 = -cz * sx;
  const a20 = 0, a21 = sx, a22 = cx;
  // Ry (Rz Rx)
  out[offset] = cy * a00 + sy * a20;
  out[offset + 1] = cy * a01 + sy * a21;
  out[offset + 2] = cy * a02 + sy * a22;
  out[offset + 3] = a10;
  out[offset + 4] = a11;
  out[offset + 5] = a12;
  out[offset + 6] = -sy * a00 + cy * a20;
  out[offset + 7] = -sy * a01 + cy * a21;
  out[offset + 8] = -sy * a02 + cy * a22;
  return out;
}

/** A performer's bone offsets in the rest pose (body frame, metres), `[25, 3]`; offset of the root is 0. */
export function restOffsets(boneScale: ArrayLike<number>): Float64Array {
  const out = new Float64Array(V * 3);
  for (let j = 0; j < V; j++) {
    const d = restDirections[j]!;
    const n = Math.hypot(d[0], d[1], d[2]);
    if (n === 0) continue;
    const length = symmetricBoneLengths[j]! * (boneScale[j] ?? 1);
    for (let c = 0; c < 3; c++) out[j * 3 + c] = (d[c]! / n) * length;
  }
  return out;
}

/**
 * Forward kinematics: world position of every joint given the root position and rotation and a
 * local rotation per joint (rotating the bones of that joint's children).
 * `p[child] = p[j] + G[j] offset[child]`, `G[j] = G[parent] L[j]`, `G[root] = rootRotation L[0]`, except
 * that the hips hang from the root rotation alone (the root's local rotation bends the spine).
 *
 * @param local `[25, 9]` row-major local rotations; only joints with `active[j]` set are applied.
 * @param globals receives `[25, 9]` world rotations.
 * @returns `out`, `[25, 3]` positions.
 */
export function forwardKinematics(
  offsets: Float64Array,
  root: readonly [number, number, number],
  rootRotation: Mat3,
  local: Float64Array | null,
  active: Uint8Array | null,
  out: Float64Array = new Float64Array(V * 3),
  globals: Float64Array = new Float64Array(V * 9),
): Float64Array {
  for (const j of kinematicOrder) {
    const parent = kinematicParents[j]!;
    // The root's local rotation bends the spine only; the pelvis (hips) follows the root rotation.
    const fromRoot = parent < 0 || (parent === 0 && (j === 12 || j === 16));
    const P = fromRoot ? rootRotation : globals;
    const pb = fromRoot ? 0 : parent * 9;
    const g = j * 9;
    if (local && active && active[j]) {
      for (let r = 0; r < 3; r++)
        for (let c = 0; c < 3; c++)
          globals[g + r * 3 + c] = P[pb + r * 3]! * local[g + c]! + P[pb + r * 3 + 1]! * local[g + 3 + c]! + P[pb + r * 3 + 2]! * local[g + 6 + c]!;
    } else {
      for (let k = 0; k < 9; k++) globals[g + k] = P[pb + k]!;
    }
    if (parent < 0) {
      out[0] = root[0];
      out[1] = root[1];
      out[2] = root[2];
      continue;
    }
    const o = j * 3;
    const ox = offsets[o]!;
    const oy = offsets[o + 1]!;
    const oz = offsets[o + 2]!;
    const q = parent * 3;
    out[o] = out[q]! + P[pb]! * ox + P[pb + 1]! * oy + P[pb + 2]! * oz;
    out[o + 1] = out[q + 1]! + P[pb + 3]! * ox + P[pb + 4]! * oy + P[pb + 5]! * oz;
    out[o + 2] = out[q + 2]! + P[pb + 6]! * ox + P[pb + 7]! * oy + P[pb + 8]! * oz;
  }
  return out;
}

/** Unit quaternion (w, x, y, z) of the rotation matrix at `offset` in `m` (Shepperd's method). */
export function quaternionOf(m: Float64Array, offset = 0): [number, number, number, number] {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = m.subarray(offset, offset + 9) as unknown as number[];
  const trace = m00! + m11! + m22!;
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2;
    return [0.25 * s, (m21! - m12!) / s, (m02! - m20!) / s, (m10! - m01!) / s];
  }
  if (m00! > m11! && m00! > m22!) {
    const s = Math.sqrt(1 + m00! - m11! - m22!) * 2;
    return [(m21! - m12!) / s, 0.25 * s, (m01! + m10!) / s, (m02! + m20!) / s];
  }
  if (m11! > m22!) {
    const s = Math.sqrt(1 + m11! - m00! - m22!) * 2;
    return [(m02! - m20!) / s, (m01! + m10!) / s, 0.25 * s, (m12! + m21!) / s];
  }
  const s = Math.sqrt(1 + m22! - m00! - m11!) * 2;
  return [(m10! - m01!) / s, (m02! + m20!) / s, (m12! + m21!) / s, 0.25 * s];
}
