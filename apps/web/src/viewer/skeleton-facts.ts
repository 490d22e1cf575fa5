import type { SkeletonFile } from '@skelnorm/data';

/** A label and its value for the facts list. */
export type Fact = readonly [label: string, value: string];

/** What the viewer says about a parsed file: facts to list and problems to flag. */
export interface SkeletonReport {
  readonly facts: readonly Fact[];
  readonly problems: readonly string[];
}

/** Kinect v2 joint tracking states in the file: 0 not tracked, 1 inferred, 2 tracked. */
const INFERRED = 1;
const NOT_TRACKED = 0;

/**
 * Frames, body tracks, how well the Kinect tracked the joints, and the things that make a sample
 * hard for a model: frames without bodies, more bodies than the two persons that models take,
 * short-lived tracks (usually noise: an object mistaken for a body), joints that are all zeros.
 */
export function describeSkeletonFile(file: SkeletonFile): SkeletonReport {
  const problems: string[] = [];
  let emptyFrames = 0;
  let crowdedFrames = 0;
  let maxBodies = 0;
  for (const count of file.bodyCounts) {
    if (count === 0) emptyFrames++;
    if (count > 2) crowdedFrames++;
    maxBodies = Math.max(maxBodies, count);
  }
  let joints = 0;
  let inferred = 0;
  let notTracked = 0;
  let zeroJoints = 0;
  for (const body of file.bodies) {
    for (const state of body.jointTrackingStates) {
      joints++;
      if (state === INFERRED) inferred++;
      else if (state === NOT_TRACKED) notTracked++;
    }
    for (let j = 0; j + 2 < body.xyz.length; j += 3) {
      if (body.xyz[j] === 0 && body.xyz[j + 1] === 0 && body.xyz[j + 2] === 0) zeroJoints++;
    }
  }
  const percent = (n: number) => (joints === 0 ? '—' : `${((100 * n) / joints).toFixed(1)}%`);
  const facts: Fact[] = [
    ['name', file.name],
    ['frames', String(file.frameCount)],
    ['bodies', String(file.bodies.length)],
    ['bodies per frame', maxBodies === 0 ? '0' : `up to ${maxBodies}`],
    ['joints tracked', percent(joints - inferred - notTracked)],
    ['joints inferred', percent(inferred)],
    ['joints not tracked', percent(notTracked)],
  ];

  if (file.frameCount === 0) problems.push('the file has no frames');
  if (file.bodies.length === 0) problems.push('no body in any frame (a "missing skeleton" sample)');
  else if (emptyFrames > 0) problems.push(`${emptyFrames} of ${file.frameCount} frames have no body`);
  if (crowdedFrames > 0) problems.push(`${crowdedFrames} frames list more than 2 bodies (models keep 2)`);
  if (file.bodies.length > 2) problems.push(`${file.bodies.length} body tracks: more than 2 persons, body selection must pick`);
  for (const body of file.bodies) {
    const share = body.frames.length / Math.max(1, file.frameCount);
    if (file.frameCount >= 10 && share < 0.1) {
      problems.push(`body ${body.trackingId} appears in only ${body.frames.length} frames (likely noise)`);
    }
  }
  if (zeroJoints > 0) problems.push(`${zeroJoints} joints are exactly (0, 0, 0)`);
  if (joints > 0 && notTracked / joints > 0.1) problems.push(`${percent(notTracked)} of joints not tracked`);
  return { facts, problems };
}
