import type { Generator } from '@skelnorm/nn';
import { withSample, type SkeletonSample } from './skeleton-sample.js';

/**
 * Transforms along the time axis of a packed `[M, T, V, C]` sample. Each returns a new sample and
 * leaves its input untouched. "Valid frames" are the frames before the zero padding at the end.
 */

/** Per person and frame, whether any coordinate is non-zero, `[M, T]`. */
export function framePresence(sample: SkeletonSample): Uint8Array {
  const { persons: M, frames: T, data } = sample;
  const frameSize = sample.joints * sample.channels;
  const present = new Uint8Array(M * T);
  for (let mt = 0; mt < M * T; mt++) {
    for (let i = mt * frameSize; i < (mt + 1) * frameSize; i++) {
      if (data[i] !== 0) {
        present[mt] = 1;
        break;
      }
    }
  }
  return present;
}

/** Builds a sample of `frames` frames whose frame `t` of person `m` is source frame `pick(t)` (or zeros for -1). */
export function gatherFrames(sample: SkeletonSample, frames: number, pick: (t: number) => number, validFrames: number): SkeletonSample {
  const { persons: M, frames: T } = sample;
  const frameSize = sample.joints * sample.channels;
  const data = new Float32Array(M * frames * frameSize);
  for (let m = 0; m < M; m++) {
    for (let t = 0; t < frames; t++) {
      const s = pick(t);
      if (s < 0 || s >= T) continue;
      const from = (m * T + s) * frameSize;
      data.set(sample.data.subarray(from, from + frameSize), (m * frames + t) * frameSize);
    }
  }
  return withSample(sample, { data, frames, validFrames });
}

/**
 * Removes frames in which no person is present (leading, trailing or inside), as CTR-GCN removes
 * missing frames; the kept frames move to the front and the freed frames at the end become padding,
 * so `T` is unchanged and `validFrames` is the number kept.
 */
export function trimEmptyFrames(sample: SkeletonSample): SkeletonSample {
  const present = framePresence(sample);
  const { persons: M, frames: T } = sample;
  const kept: number[] = [];
  for (let t = 0; t < sample.validFrames; t++) {
    for (let m = 0; m < M; m++) {
      if (present[m * T + t]) {
        kept.push(t);
        break;
      }
    }
  }
  return gatherFrames(sample, T, (t) => (t < kept.length ? kept[t]! : -1), kept.length);
}

/**
 * Crops to the first `frames` frames or zero-pads at the end to reach them: the raw layout of
 * ST-GCN's `.npy` files (T = 300).
 */
export function fitFrames(sample: SkeletonSample, frames: number): SkeletonSample {
  checkFrames(frames, 'fitFrames');
  return gatherFrames(sample, frames, (t) => t, Math.min(sample.validFrames, frames));
}

/**
 * Takes frames `[start, start + frames)` (zero-padded past the end).
 *
 * @param start first frame; default 0.
 */
export function cropFrames(sample: SkeletonSample, frames: number, start = 0): SkeletonSample {
  checkFrames(frames, 'cropFrames');
  if (!Number.isInteger(start) || start < 0) throw new RangeError(`cropFrames: start must be a non-negative integer, got ${start}`);
  return gatherFrames(sample, frames, (t) => t + start, Math.max(0, Math.min(frames, sample.validFrames - start)));
}

/** Options of {@link resampleFrames}. */
export interface ResampleFramesOptions {
  /** `'linear'` (default) interpolates between the two nearest frames; `'nearest'` takes the nearest. */
  readonly method?: 'linear' | 'nearest';
  /** First source frame of the window to resample; default 0. */
  readonly start?: number;
  /** Length of the window; default `validFrames - start`. */
  readonly length?: number;
}

/**
 * Resamples the valid frames (or a window of them) to exactly `frames` frames. Source position of
 * output frame `t` (as `F.interpolate(..., align_corners=False)`, which CTR-GCN uses):
 * `s = (t + 0.5) * L / frames - 0.5`, clamped to `[0, L - 1]`; linear mode returns
 * `(1 - w) x[floor(s)] + w x[floor(s) + 1]`, `w = s - floor(s)`, except that a person absent in one
 * of the two frames takes the other (no blending with zeros). `validFrames` becomes `frames` (0 if
 * the window is empty, then the output is all zeros).
 */
export function resampleFrames(sample: SkeletonSample, frames: number, options: ResampleFramesOptions = {}): SkeletonSample {
  checkFrames(frames, 'resampleFrames');
  const start = options.start ?? 0;
  const L = Math.min(options.length ?? sample.validFrames - start, sample.validFrames - start);
  const { persons: M, frames: T } = sample;
  const frameSize = sample.joints * sample.channels;
  const data = new Float32Array(M * frames * frameSize);
  if (L <= 0) return withSample(sample, { data, frames, validFrames: 0 });
  const present = framePresence(sample);
  const nearest = options.method === 'nearest';
  for (let t = 0; t < frames; t++) {
    const s = Math.min(L - 1, Math.max(0, ((t + 0.5) * L) / frames - 0.5));
    let lo = Math.floor(s);
    let hi = Math.min(lo + 1, L - 1);
    let w = s - lo;
    if (nearest) {
      lo = hi = Math.round(s);
      w = 0;
    }
    for (let m = 0; m < M; m++) {
      const a = m * T + start + lo;
      const b = m * T + start + hi;
      let wa = 1 - w;
      let wb = w;
      if (!present[a] && present[b]) [wa, wb] = [0, 1];
      else if (present[a] && !present[b]) [wa, wb] = [1, 0];
      const out = (m * frames + t) * frameSize;
      for (let i = 0; i < frameSize; i++) {
        data[out + i] = wa * sample.data[a * frameSize + i]! + wb * sample.data[b * frameSize + i]!;
      }
    }
  }
  return withSample(sample, { data, frames, validFrames: frames });
}

/**
 * CTR-GCN's training-time `valid_crop_resize`: crops a random window of `p * validFrames` frames,
 * `p` uniform in `[minRatio, maxRatio]`, at a uniform random offset, and resamples it (linearly) to
 * `frames`. Defaults `minRatio = 0.5`, `maxRatio = 1`.
 */
export function randomCropResize(
  sample: SkeletonSample,
  frames: number,
  random: Generator,
  options: { readonly minRatio?: number; readonly maxRatio?: number } = {},
): SkeletonSample {
  const minRatio = options.minRatio ?? 0.5;
  const maxRatio = options.maxRatio ?? 1;
  if (!(minRatio > 0 && minRatio <= maxRatio && maxRatio <= 1)) {
    throw new RangeError(`randomCropResize: expected 0 < minRatio <= maxRatio <= 1, got ${minRatio}, ${maxRatio}`);
  }
  const L = sample.validFrames;
  const ratio = random.uniform(minRatio, maxRatio);
  const length = Math.max(1, Math.min(L, Math.round(L * ratio)));
  const start = random.nextInt(Math.max(1, L - length + 1));
  return resampleFrames(sample, frames, { start, length });
}

function checkFrames(frames: number, where: string): void {
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`${where}: frames must be a positive integer, got ${frames}`);
}
