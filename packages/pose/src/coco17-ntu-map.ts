import { CocoKeypoint as K, NtuJoint as J } from '@skelnorm/data';

/**
 * The NTU joints that COCO-17 has directly (LIVE-POSE.md, "Joint maps"): `[NTU joint, COCO keypoint]`,
 * NTU 4-6, 8-10, 12-14, 16-18. The head is mid-ears ({@link NTU_HEAD_FROM_COCO_EARS}); spine base,
 * spine mid, neck and spine shoulder are synthesised; hands, feet, hand tips and thumbs (7, 11, 15,
 * 19, 21-24) have no source.
 */
export const COCO17_TO_NTU: readonly (readonly [ntu: number, coco: number])[] = Object.freeze([
  [J.leftShoulder, K.leftShoulder],
  [J.leftElbow, K.leftElbow],
  [J.leftWrist, K.leftWrist],
  [J.rightShoulder, K.rightShoulder],
  [J.rightElbow, K.rightElbow],
  [J.rightWrist, K.rightWrist],
  [J.leftHip, K.leftHip],
  [J.leftKnee, K.leftKnee],
  [J.leftAnkle, K.leftAnkle],
  [J.rightHip, K.rightHip],
  [J.rightKnee, K.rightKnee],
  [J.rightAnkle, K.rightAnkle],
].map((pair) => Object.freeze(pair as [number, number])));

/** NTU's head from COCO's ears. */
export const NTU_HEAD_FROM_COCO_EARS = Object.freeze([K.leftEar, K.rightEar] as const);
