import { COCO_KEYPOINT_COUNT, CocoKeypoint } from './coco-keypoints.js';
import { NTU_JOINT_COUNT, NtuJoint } from './kinect-joints.js';
import { NTU_IMAGE_SIZE } from './layouts.js';

/**
 * Kinect v2's colour camera as a pinhole: focal length in pixels, principal point at the image
 * centre. NTU's colorX/colorY follow it to within the sensor's calibration; the synthetic
 * generator renders its colour coordinates with it.
 */
export const KINECT_COLOUR_FOCAL = 1060;

/** Scores at or below this are "not detected": x, y are zeroed, as PYSKL's `PreNormalize2D` masks them. */
export const KEYPOINT_SCORE_THRESHOLD = 0.01;

/** COCO body keypoints taken straight from a Kinect joint. */
const BODY_FROM_NTU: readonly (readonly [number, number])[] = [
  [CocoKeypoint.leftShoulder, NtuJoint.leftShoulder],
  [CocoKeypoint.rightShoulder, NtuJoint.rightShoulder],
  [CocoKeypoint.leftElbow, NtuJoint.leftElbow],
  [CocoKeypoint.rightElbow, NtuJoint.rightElbow],
  [CocoKeypoint.leftWrist, NtuJoint.leftWrist],
  [CocoKeypoint.rightWrist, NtuJoint.rightWrist],
  [CocoKeypoint.leftHip, NtuJoint.leftHip],
  [CocoKeypoint.rightHip, NtuJoint.rightHip],
  [CocoKeypoint.leftKnee, NtuJoint.leftKnee],
  [CocoKeypoint.rightKnee, NtuJoint.rightKnee],
  [CocoKeypoint.leftAnkle, NtuJoint.leftAnkle],
  [CocoKeypoint.rightAnkle, NtuJoint.rightAnkle],
];

/**
 * Face keypoints, which Kinect does not track, placed on the head: metres along the head's
 * forward, up and right axes from the head joint (an adult head: eyes 6.6 cm apart, ears 15 cm).
 */
const FACE: readonly (readonly [number, number, number, number])[] = [
  [CocoKeypoint.nose, 0.1, -0.03, 0],
  [CocoKeypoint.leftEye, 0.08, 0.02, -0.033],
  [CocoKeypoint.rightEye, 0.08, 0.02, 0.033],
  [CocoKeypoint.leftEar, 0, 0, -0.075],
  [CocoKeypoint.rightEar, 0, 0, 0.075],
];

type Vec3 = [number, number, number];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
function unit(v: Vec3, fallback: Vec3): Vec3 {
  const n = Math.hypot(...v);
  return n > 1e-6 ? [v[0] / n, v[1] / n, v[2] / n] : fallback;
}

/**
 * What a 2D pose estimator would report for one Kinect body in one frame: the COCO-17 keypoints
 * projected into the colour image, `[17, 3]` (x, y, score), x and y normalized to [-1, 1] by the
 * 1920x1080 image as PYSKL's `PreNormalize2D` does: `x' = (u - 960) / 960`, `y' = (v - 540) / 540`.
 *
 * Body keypoints are Kinect joints; their score is the joint's tracking state / 2 (tracked 1,
 * inferred 0.5). Face keypoints sit on a head frame (up: neck to head; right: the shoulder line made
 * orthogonal to up; forward: up x right, towards the camera for a person facing it in Kinect camera
 * space, where x grows to the sensor's left); their score is the head's times how much the point faces
 * the camera, `clamp(0.5 + 0.5 cos)`, so a turned head's far ear fades as it would for a detector.
 * A keypoint behind the camera or scoring <= 0.01 is (0, 0, score).
 *
 * @param xyz camera-space joints of one body and frame, `[25, 3]` metres.
 * @param states their tracking states, `[25]` (0 not tracked, 1 inferred, 2 tracked).
 * @param out `[17, 3]`, written.
 */
export function projectNtuToCoco(xyz: ArrayLike<number>, states: ArrayLike<number>, out: Float32Array): void {
  if (xyz.length !== NTU_JOINT_COUNT * 3 || states.length !== NTU_JOINT_COUNT || out.length !== COCO_KEYPOINT_COUNT * 3) {
    throw new RangeError(`projectNtuToCoco: expected xyz [25, 3], states [25] and out [17, 3], got ${xyz.length}, ${states.length} and ${out.length} values`);
  }
  const joint = (j: number): Vec3 => [xyz[j * 3]!, xyz[j * 3 + 1]!, xyz[j * 3 + 2]!];
  const write = (k: number, p: Vec3, score: number) => {
    const visible = score > KEYPOINT_SCORE_THRESHOLD && p[2] > 0.1;
    out[k * 3] = visible ? (KINECT_COLOUR_FOCAL * p[0]) / p[2] / (NTU_IMAGE_SIZE.width / 2) : 0;
    // Image v grows downwards, camera y upwards.
    out[k * 3 + 1] = visible ? -(KINECT_COLOUR_FOCAL * p[1]) / p[2] / (NTU_IMAGE_SIZE.height / 2) : 0;
    out[k * 3 + 2] = score;
  };
  for (const [k, j] of BODY_FROM_NTU) write(k, joint(j), states[j]! / 2);

  const head = joint(NtuJoint.head);
  const up = unit(sub(head, joint(NtuJoint.neck)), [0, 1, 0]);
  const shoulders = sub(joint(NtuJoint.rightShoulder), joint(NtuJoint.leftShoulder));
  const right = unit(sub(shoulders, up.map((u) => u * dot(shoulders, up)) as Vec3), [1, 0, 0]);
  const forward = cross(up, right);
  const toCamera = unit([-head[0], -head[1], -head[2]], [0, 0, -1]);
  const headScore = states[NtuJoint.head]! / 2;
  for (const [k, f, u, r] of FACE) {
    const offset: Vec3 = [0, 1, 2].map((c) => f * forward[c]! + u * up[c]! + r * right[c]!) as Vec3;
    const facing = dot(unit(offset, forward), toCamera);
    write(k, [head[0] + offset[0], head[1] + offset[1], head[2] + offset[2]], headScore * Math.min(1, Math.max(0, 0.5 + 0.5 * facing)));
  }
}
