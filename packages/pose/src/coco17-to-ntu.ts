import { COCO_KEYPOINT_COUNT, liveJointRecipes, NTU_JOINT_COUNT, NtuJoint } from '@skelnorm/data';
import { COCO17_TO_NTU, NTU_HEAD_FROM_COCO_EARS } from './coco17-ntu-map.js';

/**
 * COCO-17 `[17 * 3]` (x, y, score) as NTU-25 2D `[25 * 3]` (x, y, score) and a mask `[25]` (1 = the
 * joint has a source). Direct joints are copied ({@link COCO17_TO_NTU}), the head is mid-ears, and
 * the spine joints follow `liveJointRecipes` of `@skelnorm/data` (the `ntu25-live` synthesis, in x and
 * y) wherever all their sources are there; a synthesised joint's score is its sources' minimum. The
 * hands' recipes need hand tips, which COCO lacks, so hands stay without a source. Joints without a
 * source are (0, 0, 0).
 *
 * @throws RangeError when `coco` does not hold 17 * 3 numbers.
 */
export function coco17ToNtu(coco: ArrayLike<number>): { readonly joints: Float32Array; readonly mask: Uint8Array } {
  if (coco.length !== COCO_KEYPOINT_COUNT * 3) throw new RangeError(`coco17ToNtu: expected 17 * 3 = 51 numbers (x, y, score per keypoint), got ${coco.length}`);
  const joints = new Float32Array(NTU_JOINT_COUNT * 3);
  const mask = new Uint8Array(NTU_JOINT_COUNT);
  for (const [joint, k] of COCO17_TO_NTU) {
    joints.set([coco[k * 3]!, coco[k * 3 + 1]!, coco[k * 3 + 2]!], joint * 3);
    mask[joint] = 1;
  }
  const [l, r] = NTU_HEAD_FROM_COCO_EARS;
  const head = NtuJoint.head * 3;
  joints[head] = (coco[l * 3]! + coco[r * 3]!) / 2;
  joints[head + 1] = (coco[l * 3 + 1]! + coco[r * 3 + 1]!) / 2;
  joints[head + 2] = Math.min(coco[l * 3 + 2]!, coco[r * 3 + 2]!);
  mask[NtuJoint.head] = 1;
  for (const { joint, sources } of liveJointRecipes) {
    if (!sources.every(([s]) => mask[s] === 1)) continue;
    for (const c of [0, 1]) joints[joint * 3 + c] = sources.reduce((sum, [s, w]) => sum + w * joints[s * 3 + c]!, 0);
    joints[joint * 3 + 2] = Math.min(...sources.map(([s]) => joints[s * 3 + 2]!));
    mask[joint] = 1;
  }
  return { joints, mask };
}
