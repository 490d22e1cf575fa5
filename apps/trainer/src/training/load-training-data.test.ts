import { describe, expect, it } from 'vitest';
import type { SkeletonSample } from '@skelnorm/data';
import { loadTrainingData } from './load-training-data.js';

/** Mean z of the first person over all samples' joints and frames. */
function meanDepth(samples: readonly SkeletonSample[]): number {
  let sum = 0;
  let n = 0;
  for (const s of samples) {
    const perPerson = s.frames * s.joints * s.channels;
    for (let i = 2; i < perPerson; i += 3) {
      sum += s.data[i]!;
      n++;
    }
  }
  return sum / n;
}

describe('loadTrainingData --coords', () => {
  it('centres the synthetic skeletons by default and keeps camera coordinates (z ~ 2-4 m) with camera', async () => {
    const base = { data: { kind: 'synthetic', classes: 3, perClass: 8, seed: 0 }, split: 'ntu60-xsub', frames: 16 } as const;
    const centred = await loadTrainingData(base);
    const camera = await loadTrainingData({ ...base, coords: 'camera' });
    expect(Math.abs(meanDepth(centred.train))).toBeLessThan(0.5);
    expect(meanDepth(camera.train)).toBeGreaterThan(2);
    expect(meanDepth(camera.train)).toBeLessThan(4.5);
    expect(camera.description).toMatch(/, camera coordinates$/);
    expect(centred.description).not.toMatch(/camera/);
  });
});
