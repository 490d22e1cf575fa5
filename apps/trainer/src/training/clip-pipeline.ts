import { randomCropResize, randomRotation, randomScale, resampleFrames, uniformSample, uniformTestClips, type SkeletonSample } from '@skelnorm/data';
import type { Generator } from '@skelnorm/nn';
import type { Augmentation, Sampling } from './clip-config.js';

/**
 * Samples kept at their recorded length, from which `crop-resize` and `uniform` sampling cut clips
 * of T frames anew every epoch (with `resample` the loaded samples are the clips and there is none).
 */
export interface ClipSource {
  readonly sampling: Exclude<Sampling, 'resample'>;
  /** T of the clips. */
  readonly frames: number;
  readonly train: readonly SkeletonSample[];
  readonly test: readonly SkeletonSample[];
}

/** One training clip: random window (crop-resize) or one random frame per segment (uniform). */
export function trainClip(source: ClipSource, sample: SkeletonSample, random: Generator): SkeletonSample {
  return source.sampling === 'uniform' ? uniformSample(sample, source.frames, random) : randomCropResize(sample, source.frames, random);
}

/**
 * The fixed test clips of a sample: PYSKL's seeded positions (uniform), or all valid frames resampled
 * (crop-resize; CTR-GCN's test crop keeps 95% of the middle, this keeps all of it).
 */
export function testClips(source: ClipSource, sample: SkeletonSample, clips: number): SkeletonSample[] {
  if (source.sampling === 'uniform') return uniformTestClips(sample, source.frames, clips);
  if (clips !== 1) throw new RangeError(`${clips} test clips of ${sample.name}: crop-resize sampling tests on one clip`);
  return [resampleFrames(sample, source.frames)];
}

/**
 * Training augmentations in order, each drawing from `random`. Both are linear maps of the
 * coordinates, so applying them to bones or motion equals applying them to the joints first.
 * `scale` scales the first `coordinates` channels (default min(3, C); 2 for a 2D layout, whose
 * third channel is a confidence).
 */
export function augmentSample(sample: SkeletonSample, augment: readonly Augmentation[], random: Generator, coordinates: number = Math.min(3, sample.channels)): SkeletonSample {
  let out = sample;
  for (const name of augment) out = name === 'rotate' ? randomRotation(out, random) : randomScale(out, random, { axes: coordinates });
  return out;
}
