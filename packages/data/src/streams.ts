import { ntuJointParents } from './kinect-joints.js';
import type { Layout } from './layouts.js';
import { withSample, type SkeletonSample } from './skeleton-sample.js';
import { framePresence } from './temporal-transforms.js';

/**
 * The four input streams of the multi-stream recipe (2s-AGCN, MS-G3D, CTR-GCN, PYSKL): the joints
 * themselves, the bones, and the frame-to-frame motion of either. Each stream trains its own model
 * and the scores are fused (PYSKL weights joint:bone:joint-motion:bone-motion as 2:2:1:1).
 */
export type SkeletonStream = 'joint' | 'bone' | 'joint-motion' | 'bone-motion';
export const skeletonStreams: readonly SkeletonStream[] = Object.freeze(['joint', 'bone', 'joint-motion', 'bone-motion']);

/** Options of {@link jointToBone} and {@link skeletonStream}. */
export interface StreamOptions {
  /**
   * Parent of each joint in the layout's tree, -1 for the root; default {@link ntuJointParents}
   * (the one NTU tree that models' graphs use too).
   */
  readonly parents?: readonly number[];
  /**
   * A channel that holds a confidence (a 2D pose estimator's score), not a coordinate: bones and
   * motion carry the mean of the two confidences there instead of their difference, as PYSKL's
   * `JointToBone` and `ToMotion` do for COCO keypoints. Default none (every channel a coordinate).
   */
  readonly confidence?: number;
}

/** The stream options of a layout: its tree, and its confidence channel if it has one. */
export function streamOptionsOf(layout: Layout): StreamOptions {
  const confidence = layout.channelNames.findIndex((name) => name === 'confidence' || name === 'score');
  return { parents: layout.parents, ...(confidence >= 0 ? { confidence } : {}) };
}

/**
 * Bones: joint `v` minus its parent `parents[v]`, in every frame and person; the root's bone is
 * zero. Shape `[M, T, V, C]` in and out. An absent person or padded frame (all zeros) stays all zero,
 * since 0 - 0 = 0. The tree's own parents are used, so the 24 bones of NTU are those of `ntuBones`
 * (PYSKL's NTU pairs differ for the hand tips: it hangs the left hand tip on the thumb). A
 * confidence channel (see {@link StreamOptions.confidence}) holds the mean of the two joints'
 * confidences; the root's is its own.
 *
 * @throws RangeError naming the sample when the tree's joint count is not the sample's V.
 */
export function jointToBone(sample: SkeletonSample, options: StreamOptions = {}): SkeletonSample {
  const parents = options.parents ?? ntuJointParents;
  const { persons: M, frames: T, joints: V, channels: C, data: src } = sample;
  if (parents.length !== V) {
    throw new RangeError(`jointToBone: the tree has ${parents.length} joints but sample ${sample.name} has V=${V}`);
  }
  parents.forEach((p, v) => {
    if (!Number.isInteger(p) || p < -1 || p >= V || p === v) throw new RangeError(`jointToBone: parent of joint ${v} must be -1 or another joint in [0, ${V}), got ${p}`);
  });
  const k = confidenceChannel(options.confidence, sample, 'jointToBone');
  const data = new Float32Array(src.length);
  for (let frame = 0; frame < M * T; frame++) {
    const base = frame * V * C;
    for (let v = 0; v < V; v++) {
      const p = parents[v]!;
      const [a, b] = [base + v * C, base + (p < 0 ? v : p) * C];
      if (p >= 0) for (let c = 0; c < C; c++) data[a + c] = src[a + c]! - src[b + c]!;
      if (k >= 0) data[a + k] = (src[a + k]! + src[b + k]!) / 2;
    }
  }
  return withSample(sample, { data });
}

/**
 * Motion: frame `t + 1` minus frame `t`, per person and joint; the last valid frame's motion is zero.
 * Where either frame is not data (a padded frame at or past `validFrames`, or a frame in which the
 * person is absent: all zeros) the motion is zero too, rather than the jump to or from the origin
 * that a plain difference gives (PYSKL's `ToMotion` and CTR-GCN's feeder take that jump; a person
 * who leaves the view has not moved to the origin). So an absent person and padding stay all zero.
 *
 * @param present `[M, T]`, 1 where a person's frame holds data; default: any non-zero coordinate in
 *   `sample` (bone motion passes the joints' presence, since a present frame's bones are not all zero
 *   only by the geometry).
 */
export function toMotion(sample: SkeletonSample, present: Uint8Array = framePresence(sample), options: Pick<StreamOptions, 'confidence'> = {}): SkeletonSample {
  const { persons: M, frames: T, joints: V, channels: C, data: src } = sample;
  const k = confidenceChannel(options.confidence, sample, 'toMotion');
  const size = V * C;
  const data = new Float32Array(src.length);
  const last = Math.min(sample.validFrames, T) - 1;
  for (let m = 0; m < M; m++) {
    for (let t = 0; t < last; t++) {
      if (!present[m * T + t] || !present[m * T + t + 1]) continue;
      const a = (m * T + t) * size;
      for (let i = 0; i < size; i++) data[a + i] = src[a + size + i]! - src[a + i]!;
      if (k >= 0) for (let i = k; i < size; i += C) data[a + i] = (src[a + size + i]! + src[a + i]!) / 2;
    }
  }
  return withSample(sample, { data });
}

/** The sample as stream `stream` (a new sample; `'joint'` returns the input itself). */
export function skeletonStream(sample: SkeletonSample, stream: SkeletonStream, options: StreamOptions = {}): SkeletonSample {
  switch (stream) {
    case 'joint':
      return sample;
    case 'bone':
      return jointToBone(sample, options);
    case 'joint-motion':
      return toMotion(sample, framePresence(sample), options);
    case 'bone-motion':
      return toMotion(jointToBone(sample, options), framePresence(sample), options);
    default:
      throw new RangeError(`skeletonStream: unknown stream '${String(stream)}' of sample ${sample.name}; expected one of ${skeletonStreams.join(', ')}`);
  }
}

/** The confidence channel's index, -1 for none. */
function confidenceChannel(channel: number | undefined, sample: SkeletonSample, where: string): number {
  if (channel === undefined) return -1;
  if (!Number.isInteger(channel) || channel < 0 || channel >= sample.channels) {
    throw new RangeError(`${where}: confidence channel must be in [0, ${sample.channels}) for sample ${sample.name}, got ${channel}`);
  }
  return channel;
}
