/**
 * The 25 Kinect v2 joints of NTU RGB+D, 0-based, in file order, and the skeleton graph
 * (Shahroudy et al., CVPR 2016; the graph as ST-GCN uses it).
 */

/** Joints per body in an NTU RGB+D `.skeleton` file (Kinect v2). */
export const NTU_JOINT_COUNT = 25;

/** Coordinates per joint kept in packed samples: x, y, z (metres, camera space). */
export const NTU_COORDINATES = 3;

/** Joint names, index = joint number (0-based) in the file. */
export const ntuJointNames: readonly string[] = Object.freeze([
  'spine base', 'spine mid', 'neck', 'head',
  'left shoulder', 'left elbow', 'left wrist', 'left hand',
  'right shoulder', 'right elbow', 'right wrist', 'right hand',
  'left hip', 'left knee', 'left ankle', 'left foot',
  'right hip', 'right knee', 'right ankle', 'right foot',
  'spine shoulder', 'left hand tip', 'left thumb', 'right hand tip', 'right thumb',
]);

/**
 * Parent of each joint in the skeleton tree; -1 for the root, joint 20 (spine shoulder), which
 * ST-GCN's spatial partition uses as the centre of gravity.
 */
export const ntuJointParents: readonly number[] = Object.freeze([
  1, 20, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18, -1, 7, 7, 11, 11,
]);

/** The 24 bones as `[joint, parent]` pairs (every joint but the root, in joint order). */
export const ntuBones: readonly (readonly [number, number])[] = Object.freeze(
  ntuJointParents.flatMap((parent, joint) => (parent < 0 ? [] : [Object.freeze([joint, parent] as const)])),
);

/** Named joint indices used by transforms and body selection. */
export const NtuJoint = Object.freeze({
  spineBase: 0,
  spineMid: 1,
  neck: 2,
  head: 3,
  leftShoulder: 4,
  leftElbow: 5,
  leftWrist: 6,
  leftHand: 7,
  rightShoulder: 8,
  rightElbow: 9,
  rightWrist: 10,
  rightHand: 11,
  leftHip: 12,
  leftKnee: 13,
  leftAnkle: 14,
  leftFoot: 15,
  rightHip: 16,
  rightKnee: 17,
  rightAnkle: 18,
  rightFoot: 19,
  spineShoulder: 20,
  leftHandTip: 21,
  leftThumb: 22,
  rightHandTip: 23,
  rightThumb: 24,
});
