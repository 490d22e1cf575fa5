import { NTU_JOINT_COUNT } from './kinect-joints.js';
import type { SkeletonFile } from './skeleton-file.js';
import { denoiseBodies } from './denoise-bodies.js';

const V = NTU_JOINT_COUNT;
const FRAME_SIZE = V * 3;

/**
 * How to choose at most `maxPersons` persons from the bodies in a file.
 * - `order`: the body slots in file order (the first body block of each frame is person 0, the
 *   second person 1), as ST-GCN's reader does.
 * - `energy`: up to 4 body slots ranked by the sum of the standard deviations of x, y and z over
 *   their non-zero frames, keeping the top ones, as 2s-AGCN and MS-G3D do.
 * - `denoise`: tracks by tracking id, dropping short-lived (<= 11 frames) and implausibly wide
 *   (x spread > 0.8 y spread in >= 69.754% of frames) bodies, then ranking by motion and joining
 *   non-overlapping tracks, as CTR-GCN (after Shahroudy et al.'s cleaning scripts) and PySKL do.
 */
export type BodySelectionPolicy = 'order' | 'energy' | 'denoise';

/** The policies, for option parsing and help text. */
export const bodySelectionPolicies: readonly BodySelectionPolicy[] = Object.freeze(['order', 'energy', 'denoise']);

/** One selected person over the whole file. */
export interface SelectedPerson {
  /** Joint positions per file frame, `[frameCount, 25, 3]`; zeros where the person is absent. */
  readonly xyz: Float32Array;
  /** 1 for the frames where the person is present, `[frameCount]`. */
  readonly present: Uint8Array;
  /** Tracking ids that contributed, in order of first appearance. */
  readonly trackingIds: readonly string[];
}

/** The result of body selection: persons in rank order (person 0 is the main actor). */
export interface SelectedBodies {
  readonly name: string;
  readonly frameCount: number;
  /** At most `maxPersons` entries; fewer when the file holds fewer bodies. */
  readonly persons: readonly SelectedPerson[];
}

/** Options of {@link selectBodies}. */
export interface SelectBodiesOptions {
  /** Policy; default `'energy'`. */
  readonly policy?: BodySelectionPolicy;
  /** Most persons kept; default 2. */
  readonly maxPersons?: number;
  /** Body slots ranked by the `energy` policy; default 4 (2s-AGCN's `max_body_kinect`). */
  readonly energySlots?: number;
}

/** Chooses the persons of a sample with a named policy; see {@link BodySelectionPolicy}. */
export function selectBodies(file: SkeletonFile, options: SelectBodiesOptions = {}): SelectedBodies {
  const policy = options.policy ?? 'energy';
  const maxPersons = options.maxPersons ?? 2;
  if (!Number.isInteger(maxPersons) || maxPersons < 1) throw new RangeError(`selectBodies: maxPersons must be a positive integer, got ${maxPersons}`);
  switch (policy) {
    case 'order':
      return { name: file.name, frameCount: file.frameCount, persons: bodySlots(file, maxPersons).filter(isPresent) };
    case 'energy': {
      const slotCount = Math.max(options.energySlots ?? 4, maxPersons);
      const slots = bodySlots(file, slotCount).filter(isPresent);
      const energies = slots.map((slot) => slotEnergy(slot.xyz));
      // Descending energy; ties keep file order.
      const rank = slots.map((_, i) => i).sort((a, b) => energies[b]! - energies[a]! || a - b);
      return { name: file.name, frameCount: file.frameCount, persons: rank.slice(0, maxPersons).map((i) => slots[i]!) };
    }
    case 'denoise':
      return { name: file.name, frameCount: file.frameCount, persons: denoiseBodies(file, maxPersons) };
    default:
      throw new RangeError(`selectBodies: unknown policy '${String(policy)}'; expected one of ${bodySelectionPolicies.join(', ')}`);
  }
}

const isPresent = (person: SelectedPerson) => person.trackingIds.length > 0;

/** Per slot (position of the body block within its frame) the joints over all frames. */
export function bodySlots(file: SkeletonFile, slotCount: number): SelectedPerson[] {
  const T = file.frameCount;
  const slots = Array.from({ length: slotCount }, () => ({
    xyz: new Float32Array(T * FRAME_SIZE),
    present: new Uint8Array(T),
    firstFrame: new Map<string, number>(),
  }));
  for (const track of file.bodies) {
    for (let i = 0; i < track.frames.length; i++) {
      const slot = slots[track.slots[i]!];
      if (!slot) continue;
      const f = track.frames[i]!;
      slot.xyz.set(track.xyz.subarray(i * FRAME_SIZE, (i + 1) * FRAME_SIZE), f * FRAME_SIZE);
      slot.present[f] = 1;
      if (!slot.firstFrame.has(track.trackingId)) slot.firstFrame.set(track.trackingId, f);
    }
  }
  return slots.map(({ xyz, present, firstFrame }) => ({
    xyz,
    present,
    trackingIds: [...firstFrame].sort((a, b) => a[1] - b[1]).map(([id]) => id),
  }));
}

/**
 * 2s-AGCN's `get_nonzero_std`: over the frames whose coordinates do not sum to 0, the population
 * standard deviation of x over all those frames and joints, plus that of y, plus that of z; 0 if no
 * such frame.
 */
export function slotEnergy(xyz: Float32Array): number {
  const frames = xyz.length / FRAME_SIZE;
  const sum = [0, 0, 0];
  const sumSq = [0, 0, 0];
  let n = 0;
  for (let f = 0; f < frames; f++) {
    const o = f * FRAME_SIZE;
    let total = 0;
    for (let k = 0; k < FRAME_SIZE; k++) total += xyz[o + k]!;
    if (total === 0) continue;
    for (let j = 0; j < V; j++) {
      for (let c = 0; c < 3; c++) {
        const v = xyz[o + j * 3 + c]!;
        sum[c]! += v;
        sumSq[c]! += v * v;
      }
    }
    n += V;
  }
  if (n === 0) return 0;
  let energy = 0;
  for (let c = 0; c < 3; c++) {
    const mean = sum[c]! / n;
    energy += Math.sqrt(Math.max(0, sumSq[c]! / n - mean * mean));
  }
  return energy;
}
