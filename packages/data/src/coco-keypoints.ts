/**
 * The 17 COCO keypoints (Lin et al., ECCV 2014), the skeleton that 2D pose estimators (HRNet,
 * RTMPose, OpenPose's COCO model) emit and that PYSKL's 2D recipes train on.
 */

/** Keypoints per person in the COCO layout. */
export const COCO_KEYPOINT_COUNT = 17;

/** Keypoint names, index = COCO keypoint number (0-based), as in `person_keypoints` annotations. */
export const cocoKeypointNames: readonly string[] = Object.freeze([
  'nose', 'left eye', 'right eye', 'left ear', 'right ear',
  'left shoulder', 'right shoulder', 'left elbow', 'right elbow', 'left wrist', 'right wrist',
  'left hip', 'right hip', 'left knee', 'right knee', 'left ankle', 'right ankle',
]);

/**
 * Parent of each keypoint; -1 for the root, the nose. PYSKL's COCO graph (`pyskl/utils/graph.py`,
 * layout `coco`, centre 0) read as a tree: face points hang off the nose (ears off the eyes), the
 * shoulders off the nose, each limb off the joint above it, the hips off the shoulders.
 */
export const cocoKeypointParents: readonly number[] = Object.freeze([-1, 0, 0, 1, 2, 0, 0, 5, 6, 7, 8, 5, 6, 11, 12, 13, 14]);

/** Named keypoint indices. */
export const CocoKeypoint = Object.freeze({
  nose: 0,
  leftEye: 1,
  rightEye: 2,
  leftEar: 3,
  rightEar: 4,
  leftShoulder: 5,
  rightShoulder: 6,
  leftElbow: 7,
  rightElbow: 8,
  leftWrist: 9,
  rightWrist: 10,
  leftHip: 11,
  rightHip: 12,
  leftKnee: 13,
  rightKnee: 14,
  leftAnkle: 15,
  rightAnkle: 16,
});
