import { COCO_KEYPOINT_COUNT, CocoKeypoint, cocoKeypointNames, cocoKeypointParents } from './coco-keypoints.js';
import { NTU_JOINT_COUNT, NtuJoint, ntuJointNames, ntuJointParents } from './kinect-joints.js';

/**
 * A skeleton layout: what the V joints and C channels of a `[M, T, V, C]` sample are, the tree that
 * bones follow (`parents`) and the graph that graph convolutions draw (`edges`, `centre`).
 * - `ntu25`: Kinect v2 camera space, x, y, z in metres (NTU RGB+D as packed today).
 * - `ntu25-2d`: the same joints in the colour image (every `.skeleton` file has colorX/colorY),
 *   normalized as PYSKL's `PreNormalize2D` does for 1920x1080, with the joint's tracking state as a
 *   confidence (tracked 1, inferred 0.5, not tracked 0).
 * - `coco17`: the 17 COCO keypoints as a 2D pose estimator gives them, x, y normalized the same
 *   way, and its score.
 * - `ntu25-live`: the skeleton that a 3D pose estimator (BlazePose's world landmarks) really gives
 *   once mapped to NTU: `ntu25`'s joints, axes and graph, with the joints BlazePose lacks (spine base,
 *   spine mid, neck, spine shoulder, hands) recomputed from joints both skeletons have
 *   (`synthesizeLiveJoints`), on NTU training data and live input alike.
 */
export type LayoutName = 'ntu25' | 'ntu25-2d' | 'coco17' | 'ntu25-live';

export interface Layout {
  readonly name: LayoutName;
  /** V. */
  readonly joints: number;
  /** C. */
  readonly channels: number;
  /** What each channel holds. */
  readonly channelNames: readonly string[];
  readonly jointNames: readonly string[];
  /** Parent of each joint, -1 for the root: the tree that bones (`jointToBone`) follow. */
  readonly parents: readonly number[];
  /**
   * The graph's (joint, neighbour nearer the centre) pairs, as the reference implementations draw
   * it; for NTU, ST-GCN's, which hangs each hand tip off the thumb rather than the hand.
   */
  readonly edges: readonly (readonly [number, number])[];
  /** The graph's centre (ST-GCN's spatial partition measures distances from it). */
  readonly centre: number;
  /**
   * 3: camera-space x, y, z (centring, view alignment, rotation and Kinect camera coordinates
   * apply); 2: image x, y and a confidence (image-normalized instead).
   */
  readonly dimensions: 2 | 3;
}

/** The image size that 2D layouts are normalized by: Kinect v2's colour camera, NTU's videos. */
export const NTU_IMAGE_SIZE = Object.freeze({ width: 1920, height: 1080 });

const bonesOf = (parents: readonly number[]) =>
  Object.freeze(parents.flatMap((parent, joint) => (parent < 0 ? [] : [Object.freeze([joint, parent] as const)])));

/** ST-GCN's NTU edges (`net/utils/graph.py`, `ntu-rgb+d`): the tree, but tip - thumb - hand at the hands. */
const ntuStgcnEdges = Object.freeze(
  bonesOf(ntuJointParents).map(([joint, parent]) =>
    joint === NtuJoint.leftHandTip ? Object.freeze([joint, NtuJoint.leftThumb] as const)
    : joint === NtuJoint.rightHandTip ? Object.freeze([joint, NtuJoint.rightThumb] as const)
    : Object.freeze([joint, parent] as const),
  ),
);

const ntu25: Layout = Object.freeze({
  name: 'ntu25',
  joints: NTU_JOINT_COUNT,
  channels: 3,
  channelNames: Object.freeze(['x', 'y', 'z']),
  dimensions: 3,
  jointNames: ntuJointNames,
  parents: ntuJointParents,
  edges: ntuStgcnEdges,
  centre: NtuJoint.spineShoulder,
});

/** The layouts by name. */
export const layouts: Readonly<Record<LayoutName, Layout>> = Object.freeze({
  ntu25,
  'ntu25-2d': Object.freeze({ ...ntu25, name: 'ntu25-2d', channelNames: Object.freeze(['x', 'y', 'confidence']), dimensions: 2 }),
  'ntu25-live': Object.freeze({ ...ntu25, name: 'ntu25-live' }),
  coco17: Object.freeze({
    name: 'coco17',
    joints: COCO_KEYPOINT_COUNT,
    channels: 3,
    channelNames: Object.freeze(['x', 'y', 'score']),
    jointNames: cocoKeypointNames,
    parents: cocoKeypointParents,
    edges: bonesOf(cocoKeypointParents),
    centre: CocoKeypoint.nose,
    dimensions: 2,
  }),
} satisfies Record<LayoutName, Layout>);

/** The layout names, for option parsing and help text. */
export const layoutNames: readonly LayoutName[] = Object.freeze(Object.keys(layouts) as LayoutName[]);

/** The layout called `name`; a RangeError lists the known ones. */
export function layoutByName(name: string): Layout {
  const layout = (layouts as Record<string, Layout | undefined>)[name];
  if (!layout) throw new RangeError(`unknown layout '${name}'; expected one of ${layoutNames.join(', ')}`);
  return layout;
}

/** Refuses a sample whose V or C is not the layout's, naming the sample. */
export function assertSampleFitsLayout(sample: { readonly name: string; readonly joints: number; readonly channels: number }, layout: Layout): void {
  if (sample.joints !== layout.joints || sample.channels !== layout.channels) {
    throw new RangeError(
      `sample ${sample.name} has V=${sample.joints}, C=${sample.channels}; layout ${layout.name} expects V=${layout.joints} (${layout.jointNames.length} joints), C=${layout.channels} (${layout.channelNames.join(', ')})`,
    );
  }
}
