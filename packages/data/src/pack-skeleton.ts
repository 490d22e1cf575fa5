import { selectBodies, type BodySelectionPolicy } from './body-selection.js';
import { sampleNameOf, actionLabel } from './sample-name.js';
import type { SkeletonFile } from './skeleton-file.js';
import { preprocessSample } from './preprocess-sample.js';
import { packPersons, type SkeletonSample } from './skeleton-sample.js';
import type { AlignViewOptions, CentreOnJointOptions } from './spatial-transforms.js';

/** The deterministic preprocessing of {@link packSkeleton} (training augmentation is separate). */
export interface PackTransformOptions {
  /** Remove frames without any person first; default true. */
  readonly trimEmptyFrames?: boolean;
  /** Centre on a joint; default `{}` (spine mid, first frame); false to skip. */
  readonly centre?: CentreOnJointOptions | false;
  /** View alignment; default `{}` (spine to z, shoulders to x); false to skip. */
  readonly align?: AlignViewOptions | false;
  /** How to reach T frames: `'resample'` (default, linear over the valid frames) or `'fit'` (crop/pad). */
  readonly time?: 'resample' | 'fit';
}

/** Options of {@link packSkeleton}. */
export interface PackSkeletonOptions {
  /** T, frames per sample; default 300 (ST-GCN's layout; the seed CNN uses 64). */
  readonly frames?: number;
  /** M, person slots; default 2. */
  readonly persons?: number;
  /** Body selection policy; default `'energy'`. */
  readonly select?: BodySelectionPolicy;
  /**
   * `false`: raw x, y, z of the selected bodies, frames beyond T dropped, shorter sequences
   * zero-padded at the end. Otherwise (default `{}`): trim empty frames, centre, align the view,
   * resample to T.
   */
  readonly transform?: PackTransformOptions | false;
  /** 0-based label; default the sample name's action number minus 1. */
  readonly label?: number;
  /**
   * `'ntu25'` (default): Kinect's joints as recorded. `'ntu25-live'`: the joints a pose estimator
   * lacks recomputed by `synthesizeLiveJoints`, before centring and alignment (see `preprocessSample`).
   */
  readonly layout?: 'ntu25' | 'ntu25-live';
}

/**
 * Parsed file -> select bodies -> pack `[M, T_file, 25, 3]` -> `preprocessSample` -> `[M, T, 25, 3]`.
 *
 * @throws Error naming the sample when no label is given and the name has no action number.
 */
export function packSkeleton(file: SkeletonFile, options: PackSkeletonOptions = {}): SkeletonSample {
  const frames = options.frames ?? 300;
  const persons = options.persons ?? 2;
  const label = options.label ?? labelFromName(file.name);
  const bodies = selectBodies(file, { policy: options.select ?? 'energy', maxPersons: persons });
  const name = sampleNameOf(file.name) ?? file.name;
  const sample = { ...packPersons(bodies, { persons, label }), name };
  return preprocessSample(sample, { frames, layout: options.layout ?? 'ntu25', transform: options.transform ?? {} });
}

export function labelFromName(name: string): number {
  if (sampleNameOf(name) === undefined) {
    throw new Error(`${name}: no label given and the name holds no NTU action number (SsssCcccPpppRrrrAaaa); pass options.label`);
  }
  return actionLabel(name);
}
