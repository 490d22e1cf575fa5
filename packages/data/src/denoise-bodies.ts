import { NTU_JOINT_COUNT } from './kinect-joints.js';
import type { BodyTrack, SkeletonFile } from './skeleton-file.js';
import type { SelectedPerson } from './body-selection.js';

const V = NTU_JOINT_COUNT;
const FRAME_SIZE = V * 3;

/**
 * Thresholds of the denoising in CTR-GCN's `get_raw_denoised_data.py` (after the NTU authors'
 * cleaning scripts).
 */
export const denoiseThresholds = Object.freeze({
  /** A track seen in this many frames or fewer is noise. */
  maxNoiseLength: 11,
  /** A frame is implausible when the x spread of the joints exceeds this times the y spread. */
  spreadRatio: 0.8,
  /** A track with at least this fraction of implausible frames is noise. */
  maxNoisyFrameFraction: 0.69754,
});

/**
 * The `denoise` body selection: tracks by tracking id; with more than one, drop tracks of at most
 * 11 frames, then tracks whose frames are mostly wider than tall (while more than one is left);
 * rank what is left by motion (sum over x, y, z of the variance of all joint positions, over the
 * plausible frames), then give each track in turn to person 0 if it does not overlap person 0 in
 * time, else to person 1 if it does not overlap person 1, else drop it.
 *
 * Differences from CTR-GCN: tracks are placed by frame index (gaps allowed); when every track is
 * short the longest one is kept instead of failing; frames are never removed here.
 */
export function denoiseBodies(file: SkeletonFile, maxPersons: number): SelectedPerson[] {
  let tracks = [...file.bodies];
  if (tracks.length === 0) return [];
  const motion = new Map<BodyTrack, number>(tracks.map((t) => [t, trackMotion(t, null)]));
  if (tracks.length > 1) {
    const long = tracks.filter((t) => t.frames.length > denoiseThresholds.maxNoiseLength);
    tracks = long.length > 0 ? long : [tracks.reduce((a, b) => (b.frames.length > a.frames.length ? b : a))];
  }
  if (tracks.length > 1) {
    for (const track of [...tracks]) {
      if (tracks.length === 1) break;
      const valid = plausibleFrames(track);
      const noisy = track.frames.length - valid.length;
      if (noisy === 0) continue;
      if (noisy / track.frames.length >= denoiseThresholds.maxNoisyFrameFraction) {
        tracks = tracks.filter((t) => t !== track);
      } else {
        motion.set(track, Math.min(motion.get(track)!, trackMotion(track, valid)));
      }
    }
  }
  // Stable sort: equal motion keeps first-appearance order.
  const ranked = [...tracks].sort((a, b) => motion.get(b)! - motion.get(a)!);
  const T = file.frameCount;
  const persons: { xyz: Float32Array; present: Uint8Array; trackingIds: string[]; start: number; end: number }[] = [];
  for (const track of ranked) {
    const start = track.frames[0]!;
    const end = track.frames[track.frames.length - 1]!;
    // CTR-GCN's overlap test: min(end1, end) - max(start1, start) <= 0 means no overlap.
    let target = persons.find((p) => Math.min(p.end, end) - Math.max(p.start, start) <= 0);
    if (!target && persons.length < maxPersons) {
      target = { xyz: new Float32Array(T * FRAME_SIZE), present: new Uint8Array(T), trackingIds: [], start, end };
      persons.push(target);
    }
    if (!target) continue;
    for (let i = 0; i < track.frames.length; i++) {
      const f = track.frames[i]!;
      target.xyz.set(track.xyz.subarray(i * FRAME_SIZE, (i + 1) * FRAME_SIZE), f * FRAME_SIZE);
      target.present[f] = 1;
    }
    target.trackingIds.push(track.trackingId);
    target.start = Math.min(target.start, start);
    target.end = Math.max(target.end, end);
  }
  return persons.map(({ xyz, present, trackingIds }) => ({ xyz, present, trackingIds }));
}

/** Indices (into the track) of frames whose x spread is at most 0.8 times the y spread. */
function plausibleFrames(track: BodyTrack): number[] {
  const valid: number[] = [];
  for (let i = 0; i < track.frames.length; i++) {
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let j = 0; j < V; j++) {
      const x = track.xyz[i * FRAME_SIZE + j * 3]!;
      const y = track.xyz[i * FRAME_SIZE + j * 3 + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (maxX - minX <= denoiseThresholds.spreadRatio * (maxY - minY)) valid.push(i);
  }
  return valid;
}

/** Sum over x, y, z of the population variance of all joint positions in the given frames (all if null). */
function trackMotion(track: BodyTrack, frames: readonly number[] | null): number {
  const sum = [0, 0, 0];
  const sumSq = [0, 0, 0];
  const count = frames ? frames.length : track.frames.length;
  if (count === 0) return 0;
  for (let k = 0; k < count; k++) {
    const i = frames ? frames[k]! : k;
    for (let j = 0; j < V; j++) {
      for (let c = 0; c < 3; c++) {
        const v = track.xyz[i * FRAME_SIZE + j * 3 + c]!;
        sum[c]! += v;
        sumSq[c]! += v * v;
      }
    }
  }
  const n = count * V;
  let motion = 0;
  for (let c = 0; c < 3; c++) {
    const mean = sum[c]! / n;
    motion += Math.max(0, sumSq[c]! / n - mean * mean);
  }
  return motion;
}
