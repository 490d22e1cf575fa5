import { describe, expect, it } from 'vitest';
import { ACTION_SECONDS, SkeletonRing, trainedFrameRate } from './index.js';
import { layouts } from '@skelnorm/data';

describe('trainedFrameRate', () => {
  it('spreads T model frames over an action of about 3 s', () => {
    expect(ACTION_SECONDS).toBe(3);
    expect(trainedFrameRate(32)).toBeCloseTo(32 / 3, 12);
    expect(trainedFrameRate(64, 2)).toBe(32);
    expect(() => trainedFrameRate(0)).toThrow(/must be positive/);
  });

  it('gives a ring that fills after ACTION_SECONDS of skeletons, not T/30 s', () => {
    const frames = 32;
    const ring = new SkeletonRing({ layout: layouts['ntu25-live'], frames, fps: trainedFrameRate(frames), transform: false });
    const skeleton = new Float32Array(75).fill(1);
    for (let t = 0; t <= 1500; t += 33) ring.push(t, [skeleton]);
    expect(ring.filled).toBeGreaterThan(0.4);
    expect(ring.filled).toBeLessThan(0.6);
    for (let t = 1518; t <= 3100; t += 33) ring.push(t, [skeleton]);
    expect(ring.ready).toBe(true);
  });
});
