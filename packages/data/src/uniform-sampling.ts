import { Generator } from '@skelnorm/nn';
import type { SkeletonSample } from './skeleton-sample.js';
import { gatherFrames } from './temporal-transforms.js';

/**
 * PYSKL's `UniformSampleFrames` (`pyskl/datasets/pipelines/sampling.py`, `p_interval = 1`): a clip of
 * T frames out of the L valid frames of a sample, one frame per segment. Index rules, for one clip:
 * - `L >= 2T`: segment `i` is `[floor(i L / T), floor((i + 1) L / T))`; one frame uniform in each.
 * - `T <= L < 2T`: frames `0..T-1`, shifted by the number of the `L - T` skips (chosen without
 *   replacement among `T + 1` places) at or before them, so consecutive picks are 1 or 2 apart.
 * - `L < T`: `T` consecutive frames from a start, wrapping around modulo L (the sequence loops).
 *   Training draws the start uniformly in `[0, L)`; testing starts clip `i` of `K` at `i` if
 *   `L < K`, else at `floor(i L / K)`.
 * Training draws from the caller's generator; testing draws from a generator seeded with
 * {@link UNIFORM_TEST_SEED} afresh for every sample, as PYSKL reseeds numpy (seed 255) per sample:
 * the same sample gets the same frames every time. The random draws follow PYSKL's rules, not its
 * exact numbers (numpy's stream is not reproduced).
 */

/** PYSKL's test-time seed of `UniformSampleFrames`. */
export const UNIFORM_TEST_SEED = 255;

/**
 * Training-time frame indices of one clip: `frames` integers in `[0, length)`.
 *
 * @throws RangeError when `length` or `frames` is not a positive integer.
 */
export function uniformTrainIndices(length: number, frames: number, random: Generator): Int32Array {
  check(length, frames, 'uniformTrainIndices');
  if (length < frames) return loop(length, frames, random.nextInt(length));
  return spread(length, frames, random);
}

/**
 * Test-time frame indices of `clips` clips (clip-major: clip `i` is `[i T, (i + 1) T)`), each in
 * `[0, length)`; a pure function of `(length, frames, clips)`.
 */
export function uniformTestIndices(length: number, frames: number, clips = 1): Int32Array {
  check(length, frames, 'uniformTestIndices');
  if (!Number.isInteger(clips) || clips < 1) throw new RangeError(`uniformTestIndices: clips must be a positive integer, got ${clips}`);
  const random = new Generator(UNIFORM_TEST_SEED);
  const out = new Int32Array(clips * frames);
  for (let i = 0; i < clips; i++) {
    const start = length < clips ? i : Math.floor((i * length) / clips);
    out.set(length < frames ? loop(length, frames, start) : spread(length, frames, random), i * frames);
  }
  return out;
}

/** One training clip of `frames` frames from the sample's valid frames (see the rules above). */
export function uniformSample(sample: SkeletonSample, frames: number, random: Generator): SkeletonSample {
  if (sample.validFrames < 1) return pickFrames(sample, new Int32Array(frames).fill(-1));
  return pickFrames(sample, uniformTrainIndices(sample.validFrames, frames, random));
}

/** The `clips` test clips of a sample, each `frames` frames; a pure function of the sample. */
export function uniformTestClips(sample: SkeletonSample, frames: number, clips = 1): SkeletonSample[] {
  if (sample.validFrames < 1) return Array.from({ length: clips }, () => pickFrames(sample, new Int32Array(frames).fill(-1)));
  const indices = uniformTestIndices(sample.validFrames, frames, clips);
  return Array.from({ length: clips }, (_, i) => pickFrames(sample, indices.subarray(i * frames, (i + 1) * frames)));
}

/** Frames `start, start + 1, ...` modulo `length`. */
function loop(length: number, frames: number, start: number): Int32Array {
  const out = new Int32Array(frames);
  for (let t = 0; t < frames; t++) out[t] = (start + t) % length;
  return out;
}

function spread(length: number, frames: number, random: Generator): Int32Array {
  const out = new Int32Array(frames);
  if (length < 2 * frames) {
    // The L - T skips: places in 0..T, each taken at most once; frame t moves by the skips at or before t.
    const skipAt = new Uint8Array(frames + 1);
    random.permutation(frames + 1).subarray(0, length - frames).forEach((p) => (skipAt[p] = 1));
    let shift = 0;
    for (let t = 0; t < frames; t++) {
      shift += skipAt[t]!;
      out[t] = t + shift;
    }
    return out;
  }
  for (let i = 0; i < frames; i++) {
    const from = Math.floor((i * length) / frames);
    const to = Math.floor(((i + 1) * length) / frames);
    out[i] = from + random.nextInt(to - from);
  }
  return out;
}

/** A sample of `indices.length` frames whose frame `t` is source frame `indices[t]` (zeros for -1); all valid. */
function pickFrames(sample: SkeletonSample, indices: Int32Array): SkeletonSample {
  return gatherFrames(sample, indices.length, (t) => indices[t]!, sample.validFrames < 1 ? 0 : indices.length);
}

function check(length: number, frames: number, where: string): void {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`${where}: length must be a positive integer (valid frames), got ${length}`);
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`${where}: frames must be a positive integer, got ${frames}`);
}
