import { layouts } from '@skelnorm/data';
import { blazePoseToCoco17, type Keypoint } from '@skelnorm/pose';

/** Keypoints below this score are drawn hollow (BlazePose's visibility). */
const VISIBLE = 0.5;

/**
 * Draws a frame and, over it, the pose as the COCO-17 skeleton (`blazePoseToCoco17` of
 * `@skelnorm/pose`, bones of the `coco17` layout): what the estimator saw, in image pixels.
 */
export function drawPoseOverlay(
  target: HTMLCanvasElement,
  frame: CanvasImageSource & { readonly width: number; readonly height: number },
  keypoints: readonly Keypoint[] | undefined,
  colour = '#e4572e',
): void {
  if (target.width !== frame.width || target.height !== frame.height) {
    target.width = frame.width;
    target.height = frame.height;
  }
  const ctx = target.getContext('2d');
  if (ctx === null) return;
  ctx.drawImage(frame, 0, 0);
  if (keypoints === undefined) return;
  const size = { width: frame.width, height: frame.height };
  const coco = blazePoseToCoco17(keypoints, size);
  const px = (k: number) => (coco[k * 3]! + 1) * (size.width / 2);
  const py = (k: number) => (coco[k * 3 + 1]! + 1) * (size.height / 2);
  const scale = Math.max(1, size.width / 480);
  ctx.lineWidth = 3 * scale;
  ctx.lineCap = 'round';
  ctx.strokeStyle = colour;
  ctx.beginPath();
  layouts.coco17.parents.forEach((parent, k) => {
    if (parent < 0) return;
    ctx.moveTo(px(k), py(k));
    ctx.lineTo(px(parent), py(parent));
  });
  ctx.stroke();
  for (let k = 0; k < layouts.coco17.joints; k++) {
    ctx.beginPath();
    ctx.arc(px(k), py(k), 4 * scale, 0, 2 * Math.PI);
    if (coco[k * 3 + 2]! >= VISIBLE) {
      ctx.fillStyle = colour;
      ctx.fill();
    } else {
      ctx.fillStyle = '#10141b';
      ctx.fill();
      ctx.lineWidth = 1.5 * scale;
      ctx.stroke();
      ctx.lineWidth = 3 * scale;
    }
  }
}
