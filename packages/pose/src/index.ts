// @skelnorm/pose: pose-estimator landmarks as skelnorm skeletons, and the live window a model reads.
// Platform-free (no DOM, no Node APIs): the browser and Node run the same code.

export type { Keypoint } from './keypoint.js';
export { BLAZEPOSE_LANDMARK_COUNT, BlazePoseLandmark } from './blazepose-landmarks.js';
export { blazeWorldToKinect } from './blaze-world-to-kinect.js';
export { BLAZEPOSE_TO_NTU, NTU_HEAD_FROM_EARS } from './blazepose-ntu-map.js';
export { blazePoseToNtu, LIVE_SUBJECT_DISTANCE_M } from './blazepose-to-ntu.js';
export type { LiveSkeleton } from './blazepose-to-ntu.js';
export { BLAZEPOSE_TO_COCO17, blazePoseToCoco17 } from './blazepose-to-coco17.js';
export { COCO17_TO_NTU, NTU_HEAD_FROM_COCO_EARS } from './coco17-ntu-map.js';
export { coco17ToNtu } from './coco17-to-ntu.js';
export { SkeletonRing } from './skeleton-ring.js';
export type { SkeletonRingOptions } from './skeleton-ring.js';
export { ACTION_SECONDS, trainedFrameRate } from './trained-frame-rate.js';
