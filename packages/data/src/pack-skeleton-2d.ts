import { selectBodies, type BodySelectionPolicy, type SelectedPerson } from './body-selection.js';
import { COCO_KEYPOINT_COUNT } from './coco-keypoints.js';
import { NTU_JOINT_COUNT } from './kinect-joints.js';
import { layouts, NTU_IMAGE_SIZE, type Layout } from './layouts.js';
import { KEYPOINT_SCORE_THRESHOLD, projectNtuToCoco } from './ntu-to-coco.js';
import { labelFromName } from './pack-skeleton.js';
import { sampleNameOf } from './sample-name.js';
import type { BodyTrack, SkeletonFile } from './skeleton-file.js';
import type { SkeletonSample } from './skeleton-sample.js';
import { preprocessSample } from './preprocess-sample.js';

/** Options of {@link packSkeleton2d}. */
export interface PackSkeleton2dOptions {
  /** `'ntu25-2d'` (the file's colour coordinates) or `'coco17'` (the COCO projection of its 3D joints). */
  readonly layout: 'ntu25-2d' | 'coco17';
  /** T; default 300. */
  readonly frames?: number;
  /** M; default 2. */
  readonly persons?: number;
  /** Body selection (on the 3D joints, as for `ntu25`); default `'energy'`. */
  readonly select?: BodySelectionPolicy;
  /** How to reach T after empty frames are trimmed: `'resample'` (default) or `'fit'` (crop/pad). */
  readonly time?: 'resample' | 'fit';
  /** 0-based label; default the sample name's action number minus 1. */
  readonly label?: number;
}

const V3 = NTU_JOINT_COUNT * 3;

/**
 * A parsed `.skeleton` file as a 2D sample `[M, T, V, 3]`: the persons `packSkeleton` would select,
 * in the 2D layout's channels. No centring or view alignment (they are 3D operations); 2D data is
 * image-normalized instead (see {@link Layout}).
 * - `ntu25-2d`: colorX/colorY -> `((u - 960) / 960, (v - 540) / 540)`, confidence = tracking
 *   state / 2; a not-tracked joint is (0, 0, 0), as PYSKL zeroes keypoints scoring <= 0.01.
 *   Needs the colour fields: parse with `{ fields: 'all' }`.
 * - `coco17`: {@link projectNtuToCoco} of the 3D joints.
 *
 * @throws Error naming the file when `ntu25-2d` finds no colour coordinates, or no label is given and
 *   the name holds no action number.
 */
export function packSkeleton2d(file: SkeletonFile, options: PackSkeleton2dOptions): SkeletonSample {
  const layout: Layout = layouts[options.layout];
  const frames = options.frames ?? 300;
  const M = options.persons ?? 2;
  const label = options.label ?? labelFromName(file.name);
  if (layout.name === 'ntu25-2d') {
    const bare = file.bodies.find((b) => !b.colorXY);
    if (bare) throw new Error(`${file.name}: body ${bare.trackingId} has no colour coordinates; parse the file with { fields: 'all' } for layout ntu25-2d`);
  }
  const persons = selectBodies(file, { policy: options.select ?? 'energy', maxPersons: M }).persons;
  const T = file.frameCount;
  const V = layout.joints;
  const frameSize = V * 3;
  const data = new Float32Array(M * T * frameSize);
  const personMask = new Uint8Array(M);
  const appearances = appearancesByFrame(file);
  const coco = new Float32Array(COCO_KEYPOINT_COUNT * 3);
  persons.slice(0, M).forEach((person, m) => {
    for (let f = 0; f < T; f++) {
      if (!person.present[f]) continue;
      const [track, i] = sourceOf(person, f, appearances[f]!, file.name);
      const target = data.subarray((m * T + f) * frameSize, (m * T + f + 1) * frameSize);
      const states = track.jointTrackingStates.subarray(i * NTU_JOINT_COUNT, (i + 1) * NTU_JOINT_COUNT);
      if (layout.name === 'coco17') {
        projectNtuToCoco(track.xyz.subarray(i * V3, (i + 1) * V3), states, coco);
        target.set(coco);
      } else {
        colourChannels(track.colorXY!.subarray(i * NTU_JOINT_COUNT * 2, (i + 1) * NTU_JOINT_COUNT * 2), states, target);
      }
      if (target.some((v) => v !== 0)) personMask[m] = 1;
    }
  });
  let validFrames = T;
  while (validFrames > 0 && !persons.some((p) => p.present[validFrames - 1] !== 0)) validFrames--;
  const sample: SkeletonSample = {
    name: sampleNameOf(file.name) ?? file.name,
    label,
    data,
    persons: M,
    frames: T,
    joints: V,
    channels: 3,
    validFrames: validFrames === 0 ? T : validFrames,
    personMask,
  };
  return preprocessSample(sample, { frames, layout: layout.name, transform: { time: options.time ?? 'resample' } });
}

/** `[25, 2]` colour pixels and `[25]` states -> `[25, 3]` (x, y, confidence), image-normalized. */
function colourChannels(colorXY: Float32Array, states: Uint8Array, out: Float32Array): void {
  const halfW = NTU_IMAGE_SIZE.width / 2;
  const halfH = NTU_IMAGE_SIZE.height / 2;
  for (let j = 0; j < NTU_JOINT_COUNT; j++) {
    const confidence = states[j]! / 2;
    const seen = confidence > KEYPOINT_SCORE_THRESHOLD && Number.isFinite(colorXY[j * 2]!) && Number.isFinite(colorXY[j * 2 + 1]!);
    out[j * 3] = seen ? (colorXY[j * 2]! - halfW) / halfW : 0;
    out[j * 3 + 1] = seen ? (colorXY[j * 2 + 1]! - halfH) / halfH : 0;
    out[j * 3 + 2] = confidence;
  }
}

/** Every body appearance in each frame: `[track, index within the track]`. */
function appearancesByFrame(file: SkeletonFile): [BodyTrack, number][][] {
  const byFrame = Array.from({ length: file.frameCount }, () => [] as [BodyTrack, number][]);
  for (const track of file.bodies) track.frames.forEach((f, i) => byFrame[f]?.push([track, i]));
  return byFrame;
}

/**
 * The appearance a selected person's frame came from. Body selection copies each frame's joints
 * verbatim from one appearance but keeps no pointer to it, so the appearance is the one in that
 * frame with exactly those joints; this keeps selection (shared with 3D packing) untouched.
 */
function sourceOf(person: SelectedPerson, frame: number, candidates: readonly [BodyTrack, number][], name: string): [BodyTrack, number] {
  const joints = person.xyz.subarray(frame * V3, (frame + 1) * V3);
  for (const [track, i] of candidates) {
    const own = track.xyz.subarray(i * V3, (i + 1) * V3);
    if (own.every((v, k) => v === joints[k])) return [track, i];
  }
  throw new Error(`${name}: frame ${frame} of a selected person matches no body of the file`);
}

