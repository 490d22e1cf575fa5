/** Landmarks of BlazePose (MediaPipe Pose, `@tensorflow-models/pose-detection`'s `BlazePose`). */
export const BLAZEPOSE_LANDMARK_COUNT = 33;

/** BlazePose landmark indices (MediaPipe's `PoseLandmark`); left and right are the person's own. */
export const BlazePoseLandmark = Object.freeze({
  nose: 0,
  leftEyeInner: 1,
  leftEye: 2,
  leftEyeOuter: 3,
  rightEyeInner: 4,
  rightEye: 5,
  rightEyeOuter: 6,
  leftEar: 7,
  rightEar: 8,
  mouthLeft: 9,
  mouthRight: 10,
  leftShoulder: 11,
  rightShoulder: 12,
  leftElbow: 13,
  rightElbow: 14,
  leftWrist: 15,
  rightWrist: 16,
  leftPinky: 17,
  rightPinky: 18,
  leftIndex: 19,
  rightIndex: 20,
  leftThumb: 21,
  rightThumb: 22,
  leftHip: 23,
  rightHip: 24,
  leftKnee: 25,
  rightKnee: 26,
  leftAnkle: 27,
  rightAnkle: 28,
  leftHeel: 29,
  rightHeel: 30,
  leftFootIndex: 31,
  rightFootIndex: 32,
});

/** Refuses a landmark list that is not BlazePose's 33, naming the function and what it got. */
export function assertBlazePose(landmarks: readonly unknown[], where: string): void {
  if (landmarks.length !== BLAZEPOSE_LANDMARK_COUNT) {
    throw new RangeError(`${where}: expected BlazePose's ${BLAZEPOSE_LANDMARK_COUNT} landmarks, got ${landmarks.length}`);
  }
}
