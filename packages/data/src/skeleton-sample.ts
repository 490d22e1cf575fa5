import { NTU_COORDINATES, NTU_JOINT_COUNT } from './kinect-joints.js';
import type { SelectedBodies } from './body-selection.js';

/**
 * One packed sample: the persons' joints as one `[M, T, V, C]` float32 array (persons, frames,
 * joints, coordinates), zeros where a person or frame is absent. This is what datasets carry until a
 * batch turns a list of them into tensors.
 */
export interface SkeletonSample {
  /** Sample name (e.g. `S001C001P001R001A001`). */
  readonly name: string;
  /** 0-based class label. */
  readonly label: number;
  /** `[M, T, V, C]` row-major. */
  readonly data: Float32Array;
  /** M, person slots. */
  readonly persons: number;
  /** T, frames. */
  readonly frames: number;
  /** V, joints (25). */
  readonly joints: number;
  /** C, coordinates per joint (3). */
  readonly channels: number;
  /** Frames holding data before zero padding at the end (<= T). */
  readonly validFrames: number;
  /** `[M]`: 1 where the person slot holds a real person, 0 for a padded (all-zero) slot. */
  readonly personMask: Uint8Array;
}

/** The `[M, T, V, C]` shape of a sample. */
export function sampleShape(sample: SkeletonSample): [number, number, number, number] {
  return [sample.persons, sample.frames, sample.joints, sample.channels];
}

/**
 * Packs selected persons into `[M, T, V, C]` with `T` = the file's frame count and `C` = 3;
 * person slots beyond those selected stay zero (a missing second person is zero padding).
 *
 * @param persons M, default 2.
 */
export function packPersons(
  bodies: SelectedBodies,
  options: { readonly persons?: number; readonly label: number },
): SkeletonSample {
  const M = options.persons ?? 2;
  const T = bodies.frameCount;
  const frameSize = NTU_JOINT_COUNT * NTU_COORDINATES;
  const data = new Float32Array(M * T * frameSize);
  const personMask = new Uint8Array(M);
  bodies.persons.slice(0, M).forEach((person, m) => {
    data.set(person.xyz, m * T * frameSize);
    personMask[m] = person.present.some((p) => p !== 0) ? 1 : 0;
  });
  // Frames after the last one with any person are not data (the file simply ended earlier).
  let validFrames = T;
  while (validFrames > 0 && !bodies.persons.some((p) => p.present[validFrames - 1] !== 0)) validFrames--;
  if (validFrames === 0) validFrames = T; // an empty file: nothing to trim against
  return {
    name: bodies.name,
    label: options.label,
    data,
    persons: M,
    frames: T,
    joints: NTU_JOINT_COUNT,
    channels: NTU_COORDINATES,
    validFrames,
    personMask,
  };
}

/** The person mask of a packed array: 1 where any coordinate of the person is non-zero. */
export function personMaskOf(data: Float32Array, persons: number): Uint8Array {
  const size = data.length / persons;
  const mask = new Uint8Array(persons);
  for (let m = 0; m < persons; m++) {
    for (let i = m * size; i < (m + 1) * size; i++) {
      if (data[i] !== 0) {
        mask[m] = 1;
        break;
      }
    }
  }
  return mask;
}

/** A copy of `sample` with some fields replaced (transforms build their result this way). */
export function withSample(sample: SkeletonSample, changes: Partial<SkeletonSample>): SkeletonSample {
  return { ...sample, ...changes };
}
