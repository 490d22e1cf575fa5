import { NtuJoint } from '@skelnorm/data';
import { BlazePoseLandmark as B } from './blazepose-landmarks.js';

const J = NtuJoint;

/**
 * The NTU joints that BlazePose has (LIVE-POSE.md, "Joint maps"): `[NTU joint, BlazePose landmark]`.
 * Direct: shoulders, elbows, wrists, hips, knees, ankles, thumbs. Approximate: the feet are the toe
 * tips (foot index), the hand tips the index knuckles. The head is mid-ears ({@link NTU_HEAD_FROM_EARS});
 * the rest (spine base, spine mid, neck, spine shoulder, hands) is synthesised by `synthesizeLiveJoints`
 * of `@skelnorm/data`.
 */
export const BLAZEPOSE_TO_NTU: readonly (readonly [ntu: number, blazePose: number])[] = Object.freeze([
  [J.leftShoulder, B.leftShoulder],
  [J.leftElbow, B.leftElbow],
  [J.leftWrist, B.leftWrist],
  [J.rightShoulder, B.rightShoulder],
  [J.rightElbow, B.rightElbow],
  [J.rightWrist, B.rightWrist],
  [J.leftHip, B.leftHip],
  [J.leftKnee, B.leftKnee],
  [J.leftAnkle, B.leftAnkle],
  [J.rightHip, B.rightHip],
  [J.rightKnee, B.rightKnee],
  [J.rightAnkle, B.rightAnkle],
  [J.leftThumb, B.leftThumb],
  [J.rightThumb, B.rightThumb],
  // approximate
  [J.leftFoot, B.leftFootIndex],
  [J.rightFoot, B.rightFootIndex],
  [J.leftHandTip, B.leftIndex],
  [J.rightHandTip, B.rightIndex],
].map((pair) => Object.freeze(pair as [number, number])));

/** NTU's head (Kinect tracks the head's centre) is the midpoint of BlazePose's ears. */
export const NTU_HEAD_FROM_EARS = Object.freeze([B.leftEar, B.rightEar] as const);
