// A hand-made BlazePose result (test only): a person in a T-pose facing the camera.
import { BLAZEPOSE_LANDMARK_COUNT, BlazePoseLandmark as B, type Keypoint } from '../index.js';

/**
 * BlazePose world axes: metres, origin mid-hip, y down, x to the image's right. The person faces the
 * camera, so their left side is on the image's right (x > 0), and the toes point at the camera
 * (smaller z is nearer). Every landmark gets its own score, `0.5 + index / 100`.
 */
export function tPoseWorld(): Keypoint[] {
  const p: [number, number, number][] = Array.from({ length: BLAZEPOSE_LANDMARK_COUNT }, () => [0, 0, 0]);
  const both = (left: number, right: number, x: number, y: number, z = 0) => {
    p[left] = [x, y, z];
    p[right] = [-x, y, z];
  };
  p[B.nose] = [0, -0.68, -0.1];
  both(B.leftEyeInner, B.rightEyeInner, 0.02, -0.71, -0.08);
  both(B.leftEye, B.rightEye, 0.035, -0.71, -0.08);
  both(B.leftEyeOuter, B.rightEyeOuter, 0.05, -0.71, -0.07);
  both(B.leftEar, B.rightEar, 0.075, -0.69, 0.02);
  both(B.mouthLeft, B.mouthRight, 0.025, -0.63, -0.08);
  both(B.leftShoulder, B.rightShoulder, 0.19, -0.5);
  both(B.leftElbow, B.rightElbow, 0.47, -0.5);
  both(B.leftWrist, B.rightWrist, 0.73, -0.5);
  both(B.leftPinky, B.rightPinky, 0.82, -0.49, 0.02);
  both(B.leftIndex, B.rightIndex, 0.84, -0.5);
  both(B.leftThumb, B.rightThumb, 0.79, -0.52, -0.03);
  both(B.leftHip, B.rightHip, 0.1, 0.01, 0.01); // not exactly at the origin: BlazePose's hips are near, not at, 0
  both(B.leftKnee, B.rightKnee, 0.11, 0.45);
  both(B.leftAnkle, B.rightAnkle, 0.12, 0.86, 0.03);
  both(B.leftHeel, B.rightHeel, 0.12, 0.9, 0.06);
  both(B.leftFootIndex, B.rightFootIndex, 0.13, 0.92, -0.12);
  return p.map(([x, y, z], i) => ({ x, y, z, score: 0.5 + i / 100 }));
}
