import type { Keypoint } from './keypoint.js';

/**
 * A BlazePose world landmark (metres, origin mid-hip, y down, x to the image's right) in Kinect camera
 * space, NTU's axes (y up, x to the image's left as the camera sees it, z away from the camera):
 * `[-x, -y, z]`. Both are right-handed with z into the scene, so turning x and y half a turn about z
 * is the whole change; the origin differs (mid-hip vs the sensor), which centring removes. A missing
 * z is 0.
 */
export function blazeWorldToKinect(p: Keypoint): [number, number, number] {
  // `0 - v` rather than `-v`: no -0 in the output, so zero tests (absent joints) see plain zeros.
  return [0 - p.x, 0 - p.y, p.z ?? 0];
}
