import { NTU_COORDINATES, NTU_JOINT_COUNT, NtuJoint } from './kinect-joints.js';
import { withSample, type SkeletonSample } from './skeleton-sample.js';

/**
 * Where spine mid sits on the line from spine base (mid-hips) to spine shoulder (mid-shoulders).
 * Calibrated on the three NTU files in `shared/ntu-samples/` (S001C001P001R001A001, ...A011,
 * S001C003P008R002A058; 325 body-frames): the least-squares projection of Kinect's spine mid onto
 * mid(hips) -> mid(shoulders) is 0.618, 0.582 and 0.622, pooled 0.612 (on Kinect's own spine base ->
 * spine shoulder it is 0.573). LIVE-POSE.md's first guess, 0.55, is 3 cm low on a 0.5 m spine.
 */
export const LIVE_SPINE_MID_FRACTION = 0.61;

/** One joint of `ntu25-live` that is recomputed: `joint = sum(weight * source)` over its sources. */
export interface LiveJointRecipe {
  readonly joint: number;
  readonly sources: readonly (readonly [joint: number, weight: number])[];
}

const J = NtuJoint;
const a = LIVE_SPINE_MID_FRACTION;

/**
 * The joints that {@link synthesizeLiveJoints} recomputes, in evaluation order (later recipes read
 * earlier results: spine mid reads the new spine base and spine shoulder). Every weight list sums to 1,
 * so each joint is an affine combination: it commutes with translation, rotation and linear
 * interpolation in time, and an all-zero (absent) person stays all zero.
 */
export const liveJointRecipes: readonly LiveJointRecipe[] = Object.freeze([
  { joint: J.spineBase, sources: [[J.leftHip, 0.5], [J.rightHip, 0.5]] },
  { joint: J.spineShoulder, sources: [[J.leftShoulder, 0.5], [J.rightShoulder, 0.5]] },
  { joint: J.spineMid, sources: [[J.spineBase, 1 - a], [J.spineShoulder, a]] },
  { joint: J.neck, sources: [[J.spineShoulder, 0.5], [J.head, 0.5]] },
  { joint: J.leftHand, sources: [[J.leftWrist, 0.5], [J.leftHandTip, 0.5]] },
  { joint: J.rightHand, sources: [[J.rightWrist, 0.5], [J.rightHandTip, 0.5]] },
].map((r) => Object.freeze({ joint: r.joint, sources: Object.freeze(r.sources.map((s) => Object.freeze(s as [number, number]))) })));

/**
 * The `ntu25-live` synthesis: recomputes, in place, the NTU joints that BlazePose has no landmark for
 * from joints that it has, so that training data (NTU, real or synthetic) and live input go through
 * this one function:
 * - 0 spine base = mid(12 left hip, 16 right hip); 20 spine shoulder = mid(4, 8 shoulders);
 * - 1 spine mid = 0 + {@link LIVE_SPINE_MID_FRACTION} (20 - 0);
 * - 2 neck = halfway from 20 to 3 (head);
 * - 7 left hand = mean(6 wrist, 21 hand tip); 11 right hand = mean(10, 23).
 * LIVE-POSE.md suggests other BlazePose sources for some (neck from the mouth, hands from the pinky
 * too); those have no NTU counterpart, so they are deliberately not used: only sources that both
 * skeletons have keep training and live input identical.
 *
 * @param xyz `[..., 25, 3]` joints; the skeleton at `offset` (in floats) is rewritten.
 */
export function synthesizeLiveJoints(xyz: Float32Array, offset = 0): void {
  for (const { joint, sources } of liveJointRecipes) {
    for (let c = 0; c < NTU_COORDINATES; c++) {
      let sum = 0;
      for (const [source, weight] of sources) sum += weight * xyz[offset + source * NTU_COORDINATES + c]!;
      xyz[offset + joint * NTU_COORDINATES + c] = sum;
    }
  }
}

/**
 * A packed `ntu25` sample `[M, T, 25, 3]` as `ntu25-live`: {@link synthesizeLiveJoints} on every
 * person's every frame that holds data (all-zero frames and absent persons stay zero). Returns a new
 * sample.
 */
export function synthesizeLiveSample(sample: SkeletonSample): SkeletonSample {
  if (sample.joints !== NTU_JOINT_COUNT || sample.channels !== NTU_COORDINATES) {
    throw new RangeError(`synthesizeLiveSample: ${sample.name} has V=${sample.joints}, C=${sample.channels}; expected ntu25's V=25, C=3`);
  }
  const data = sample.data.slice();
  const size = NTU_JOINT_COUNT * NTU_COORDINATES;
  for (let offset = 0; offset < data.length; offset += size) {
    let any = false;
    for (let i = offset; i < offset + size && !any; i++) any = data[i] !== 0;
    if (any) synthesizeLiveJoints(data, offset);
  }
  return withSample(sample, { data });
}
