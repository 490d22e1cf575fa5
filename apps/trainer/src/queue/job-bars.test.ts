import { describe, expect, it } from 'vitest';
import { captureIO } from '../test-support/capture-io.js';
import { JobBars } from './job-bars.js';
import type { JobProgressReport } from './job-progress.js';

const report = (label: string, worker: string, step: number): JobProgressReport => ({ epoch: 1, epochs: 2, step, stepsPerEpoch: 10, label, worker });

describe('JobBars: one progress bar per running job', () => {
  it('on a terminal, redraws one line per job as a block and prints messages above it', () => {
    let now = 0;
    const io = captureIO({ isTTY: true, columns: 120 });
    const bars = new JobBars(io, { now: () => now, redrawIntervalMs: 0 });
    bars.update('a', report('seed-bn seed 0', 'lab-1 11', 1));
    now = 1000;
    bars.update('b', report('no-norm seed 0', 'lab-2 22', 1));
    // Two bars, each naming its job and worker.
    const block = io.raw.at(-1)!;
    expect(block.split('\n').filter(Boolean).map((l) => l.replace(/ \[[#-]+\].*/, ''))).toEqual(['[seed-bn seed 0 @ lab-1 11] epoch 1/2', '[no-norm seed 0 @ lab-2 22] epoch 1/2']);
    // Job a: 2 steps in the 2 s since it was first seen (1 step/s), 17 of its 20 steps left; 3/10 of a 40-wide bar.
    now = 2000;
    bars.update('a', report('seed-bn seed 0', 'lab-1 11', 3));
    expect(io.raw.at(-1)).toMatch(/^\[seed-bn seed 0 @ lab-1 11\] epoch 1\/2 \[#{12}-{28}\] 3\/10 1\.00 steps\/s ETA 0:17\x1b\[K\n/);
    // A message: the block is erased (cursor up 2 lines, clear), the line printed, the block redrawn.
    bars.log('seed-bn seed 0: finished');
    expect(io.raw.slice(-2)[0]).toBe('\x1b[2F\x1b[J');
    expect(io.stdout).toEqual(['seed-bn seed 0: finished']);
    // Held while a result is written and printed: no bar drawn in between, the block back after.
    bars.hold();
    const drawn = io.raw.length;
    bars.update('b', report('no-norm seed 0', 'lab-2 22', 2));
    expect(io.raw.length).toBe(drawn);
    bars.release();
    expect(io.raw.at(-1)!.split('\n').filter(Boolean)).toHaveLength(2);
    bars.finish('a');
    expect(io.raw.at(-1)!.split('\n').filter(Boolean)).toHaveLength(1);
    bars.clear();
    expect(io.raw.at(-1)).toBe('\x1b[1F\x1b[J');
  });

  it('in a pipe or log, prints plain lines at most one per job per interval', () => {
    let now = 0;
    const io = captureIO({ isTTY: false });
    const bars = new JobBars(io, { now: () => now, lineIntervalMs: 15_000 });
    bars.update('a', report('seed-bn seed 0', 'lab-1 11', 1));
    now = 5_000;
    bars.update('a', report('seed-bn seed 0', 'lab-1 11', 2));
    expect(io.stdout).toEqual([]);
    now = 15_000;
    bars.update('a', report('seed-bn seed 0', 'lab-1 11', 4));
    expect(io.stdout).toEqual(['[seed-bn seed 0 @ lab-1 11] epoch 1/2 step 4/10 0.20 steps/s ETA 1:20']);
    expect(io.raw).toEqual([]);
  });
});
