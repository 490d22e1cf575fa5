import { describe, expect, it } from 'vitest';
import { captureIO } from '../test-support/capture-io.js';
import { formatEta, ProgressDisplay } from './progress-display.js';

describe('ProgressDisplay', () => {
  it('redraws one bar with steps/s and ETA on a TTY', () => {
    let t = 0;
    const io = captureIO({ isTTY: true });
    const progress = new ProgressDisplay(io, { now: () => t, redrawIntervalMs: 0 });
    // 2 epochs x 10 steps, 0.5 s per step -> 2 steps/s; after step 4 of epoch 1, 16 steps remain = 8 s.
    for (let step = 1; step <= 4; step++) {
      t += 500;
      progress.update({ epoch: 1, epochs: 2, step, stepsPerEpoch: 10, loss: 1.5 });
    }
    expect(io.stdout).toEqual([]);
    const last = io.raw[io.raw.length - 1]!;
    expect(last.startsWith('\r')).toBe(true);
    expect(last).toContain('epoch 1/2');
    expect(last).toContain('4/10');
    expect(last).toContain('2.00 steps/s');
    expect(last).toContain('ETA 0:08');
    expect(last).toMatch(/\[#+-+\]/);
    progress.log('epoch 1 done');
    expect(io.raw[io.raw.length - 1]).toBe('\r\x1b[K');
    expect(io.stdout).toEqual(['epoch 1 done']);
  });

  it('prints plain lines, throttled, when stdout is not a TTY', () => {
    let t = 0;
    const io = captureIO({ isTTY: false });
    const progress = new ProgressDisplay(io, { now: () => t, lineIntervalMs: 1000 });
    for (let step = 1; step <= 10; step++) {
      t += 300;
      progress.update({ epoch: 1, epochs: 1, step, stepsPerEpoch: 10, loss: 2, accuracy: 0.25 });
    }
    expect(io.raw).toEqual([]);
    // Lines at t = 1200, 2400 (steps 4 and 8): nothing with '\r' or escape codes.
    expect(io.stdout).toHaveLength(2);
    expect(io.stdout[0]).toBe('epoch 1/1 step 4/10 loss 2.0000 acc 25.0% 3.33 steps/s ETA 0:02');
    for (const line of io.stdout) expect(line).not.toMatch(/[\r\x1b]/);
  });

  it('formats ETA', () => {
    expect(formatEta(undefined)).toBe('?');
    expect(formatEta(65)).toBe('1:05');
    expect(formatEta(3723)).toBe('1:02:03');
  });
});
