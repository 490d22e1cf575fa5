import { COCO_KEYPOINT_COUNT } from '@skelnorm/data';
import { assertBlazePose } from './blazepose-landmarks.js';
import { scoreOf, type Keypoint } from './keypoint.js';

/**
 * The BlazePose landmark of each COCO-17 keypoint, in COCO order (nose, eyes, ears, shoulders,
 * elbows, wrists, hips, knees, ankles; BlazePose's eyes are its centre eye points 2 and 5).
 */
export const BLAZEPOSE_TO_COCO17: readonly number[] = Object.freeze([0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28]);

/**
 * BlazePose's image keypoints (pixels) as COCO-17 `[17 * 3]` (x, y, score), normalized as the
 * `coco17` layout is (PYSKL's `PreNormalize2D`): `x' = (u - w/2) / (w/2)`, `y' = (v - h/2) / (h/2)`,
 * so the image spans [-1, 1] on both axes, y down.
 *
 * @param size the image the keypoints are in (the video's `videoWidth` x `videoHeight`).
 * @throws RangeError when `image` does not hold 33 landmarks or the size is not positive.
 */
export function blazePoseToCoco17(image: readonly Keypoint[], size: { readonly width: number; readonly height: number }): Float32Array {
  assertBlazePose(image, 'blazePoseToCoco17');
  if (!(size.width > 0 && size.height > 0)) throw new RangeError(`blazePoseToCoco17: size must be positive, got ${size.width}x${size.height}`);
  const halfW = size.width / 2;
  const halfH = size.height / 2;
  const out = new Float32Array(COCO_KEYPOINT_COUNT * 3);
  BLAZEPOSE_TO_COCO17.forEach((landmark, k) => {
    const p = image[landmark]!;
    out[k * 3] = (p.x - halfW) / halfW;
    out[k * 3 + 1] = (p.y - halfH) / halfH;
    out[k * 3 + 2] = scoreOf(p);
  });
  return out;
}
