import { liveJointRecipes, NTU_JOINT_COUNT, NtuJoint, synthesizeLiveJoints } from '@skelnorm/data';
import { assertBlazePose } from './blazepose-landmarks.js';
import { BLAZEPOSE_TO_NTU, NTU_HEAD_FROM_EARS } from './blazepose-ntu-map.js';
import { blazeWorldToKinect } from './blaze-world-to-kinect.js';
import { scoreOf, type Keypoint } from './keypoint.js';

/**
 * Where the live skeleton is put: this far in front of the sensor (Kinect z, metres), about where NTU
 * RGB+D's performers stand (mean spine-base z of the three files in `shared/ntu-samples/`: 3.0-3.8 m).
 * BlazePose's world origin is mid-hip, so spine base (= mid-hips) would be exactly (0, 0, 0), which
 * skelnorm's data convention reads as an absent joint (transforms leave zeros alone). Centring removes
 * the offset again; `--coords camera` models see a plausible camera distance.
 */
export const LIVE_SUBJECT_DISTANCE_M = 3.5;

/**
 * A skeleton of the `ntu25-live` layout: `xyz` `[25 * 3]` in Kinect camera space (metres),
 * `confidence` `[25]`: the source landmark's score; for the head and the synthesised joints the
 * minimum over their sources (a joint is as trustworthy as its weakest source).
 */
export interface LiveSkeleton {
  readonly xyz: Float32Array;
  readonly confidence: Float32Array;
}

/**
 * BlazePose's 33 world landmarks (`keypoints3D`: metres, origin mid-hip, y down) as an `ntu25-live`
 * skeleton: each landmark through {@link blazeWorldToKinect}, moved {@link LIVE_SUBJECT_DISTANCE_M} along
 * z, the direct and approximate joints of
 * {@link BLAZEPOSE_TO_NTU}, head = mid(ears), then `synthesizeLiveJoints` of `@skelnorm/data`, the very
 * function that made the training data, for spine base, spine mid, neck, spine shoulder and hands.
 *
 * @throws RangeError when `world` does not hold 33 landmarks.
 */
export function blazePoseToNtu(world: readonly Keypoint[]): LiveSkeleton {
  assertBlazePose(world, 'blazePoseToNtu');
  const xyz = new Float32Array(NTU_JOINT_COUNT * 3);
  const confidence = new Float32Array(NTU_JOINT_COUNT);
  const put = (joint: number, p: readonly number[], score: number) => {
    xyz.set([p[0]!, p[1]!, p[2]! + LIVE_SUBJECT_DISTANCE_M], joint * 3);
    confidence[joint] = score;
  };
  for (const [joint, landmark] of BLAZEPOSE_TO_NTU) put(joint, blazeWorldToKinect(world[landmark]!), scoreOf(world[landmark]!));
  const [left, right] = NTU_HEAD_FROM_EARS.map((i) => world[i]!);
  const [l, r] = [blazeWorldToKinect(left!), blazeWorldToKinect(right!)];
  put(NtuJoint.head, [0, 1, 2].map((c) => (l[c]! + r[c]!) / 2), Math.min(scoreOf(left!), scoreOf(right!)));
  synthesizeLiveJoints(xyz);
  // Same recipes, same order: a synthesised joint's sources are final when it is reached.
  for (const { joint, sources } of liveJointRecipes) confidence[joint] = Math.min(...sources.map(([s]) => confidence[s]!));
  return { xyz, confidence };
}
