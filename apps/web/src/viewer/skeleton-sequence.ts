import type { SkeletonFile } from '@skelnorm/data';

/** One person of a {@link SkeletonSequence}: the frames it appears in and its joints there. */
export interface SequencePerson {
  /** Shown in the legend: the Kinect tracking id or "person 1". */
  readonly label: string;
  /** Frame index of each appearance, ascending, `[F]`. */
  readonly frames: Int32Array;
  /** Joint positions (metres, Kinect camera space: x, y up, z away from the camera), `[F, V, 3]`. */
  readonly xyz: Float32Array;
  /** Per joint 0 not tracked, 1 inferred, 2 tracked, `[F, V]`; absent = all tracked. */
  readonly states?: Uint8Array;
}

/** What the viewer animates: any source (a parsed file, a packed sample) reduced to persons. */
export interface SkeletonSequence {
  readonly name: string;
  readonly frameCount: number;
  readonly jointCount: number;
  readonly persons: readonly SequencePerson[];
}

/** A parsed `.skeleton` file as a sequence: one person per Kinect body track. */
export function sequenceFromSkeletonFile(file: SkeletonFile): SkeletonSequence {
  return {
    name: file.name,
    frameCount: file.frameCount,
    jointCount: 25,
    persons: file.bodies.map((body) => ({
      label: `body ${body.trackingId}`,
      frames: body.frames,
      xyz: body.xyz,
      states: body.jointTrackingStates,
    })),
  };
}

/**
 * A packed sample `[M, T, V, C]` (C >= 3, x y z first) as a sequence. A person slot that is all
 * zeros (the padding of a single-person action) is left out; frames of zeros are skipped.
 *
 * `up` says which axis the sample's spine points along. `packSkeleton`'s view alignment turns it
 * to z (shoulders to +x, so the person faces -y); the viewer wants Kinect's axes (y up, the person
 * facing the camera at -z), so z-up coordinates are turned by (x, y, z) -> (-x, z, y), a rotation.
 */
export function sequenceFromPacked(
  name: string,
  data: Float32Array,
  shape: readonly [number, number, number, number],
  up: 'y' | 'z' = 'y',
): SkeletonSequence {
  const [M, T, V, C] = shape;
  const persons: SequencePerson[] = [];
  for (let m = 0; m < M; m++) {
    const frames: number[] = [];
    const xyz: number[] = [];
    for (let t = 0; t < T; t++) {
      const base = ((m * T + t) * V) * C;
      let any = false;
      for (let i = 0; i < V * C && !any; i++) any = data[base + i] !== 0;
      if (!any) continue;
      frames.push(t);
      for (let v = 0; v < V; v++) {
        const j = base + v * C;
        const [x, y, z] = [data[j]!, data[j + 1]!, data[j + 2]!];
        if (up === 'z') xyz.push(-x, z, y);
        else xyz.push(x, y, z);
      }
    }
    if (frames.length > 0) {
      persons.push({ label: `person ${m + 1}`, frames: Int32Array.from(frames), xyz: Float32Array.from(xyz) });
    }
  }
  return { name, frameCount: T, jointCount: V, persons };
}

/** Index of `frame` in a person's ascending frame list, or -1 where the person is absent. */
export function appearanceAt(person: SequencePerson, frame: number): number {
  let lo = 0;
  let hi = person.frames.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = person.frames[mid]!;
    if (f === frame) return mid;
    if (f < frame) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Axis-aligned bounds of every joint of every person, for framing the camera. */
export function sequenceBounds(sequence: SkeletonSequence): { centre: [number, number, number]; radius: number; floorY: number } {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (const person of sequence.persons) {
    for (let i = 0; i + 2 < person.xyz.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        const value = person.xyz[i + k]!;
        if (value < min[k]!) min[k] = value;
        if (value > max[k]!) max[k] = value;
      }
    }
  }
  if (!Number.isFinite(min[0]!)) return { centre: [0, 0, 0], radius: 1, floorY: -1 };
  const centre: [number, number, number] = [0, 1, 2].map((k) => (min[k]! + max[k]!) / 2) as [number, number, number];
  const radius = Math.max(0.5, Math.hypot(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!) / 2);
  return { centre, radius, floorY: min[1]! };
}
