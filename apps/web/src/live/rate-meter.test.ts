import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter.js';

describe('RateMeter', () => {
  it('median ms per frame and frames per second over the window', () => {
    const meter = new RateMeter(4);
    expect(meter.format()).toBe('—');
    // Frames ending every 50 ms (20 fps) that took 30, 40, 35, 90, 45 ms; the window keeps the last 4.
    [30, 40, 35, 90, 45].forEach((ms, i) => meter.record(ms, 1000 + 50 * i));
    const summary = meter.summary();
    expect(summary.count).toBe(5);
    expect(summary.medianMs).toBe((40 + 45) / 2); // of 40, 35, 90, 45
    expect(summary.fps).toBeCloseTo(20, 10); // 3 intervals in 150 ms
    expect(meter.format()).toBe('43 ms/frame, 20.0 fps');
    meter.reset();
    expect(meter.summary().count).toBe(0);
  });
});
