import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('skelnorm bench', () => {
  // The PyTorch reference is the trainer package's (benchTorchReference, tested there); --no-torch keeps this fast.
  it('times training steps and writes JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-bench-'));
    dirs.push(dir);
    const out = join(dir, 'bench.json');
    const io = captureIO();
    expect(await main(['bench', '--workers', '0', '--batch-size', '4', '--steps', '1', '--warmup', '0', '--rounds', '2', '--backend', 'wasm', '--no-torch', '--out', out], io)).toBe(0);
    const result = JSON.parse(await readFile(out, 'utf8'));
    expect(result.rounds).toHaveLength(2);
    expect(result.rounds[1].skelnorm).toMatchObject({ model: 'seed-cnn', workers: 0, batchSize: 4, steps: 1 });
    expect(result.rounds[1].pytorch).toBeNull();
    const times = result.rounds.map((r: { skelnorm: { msPerStep: number } }) => r.skelnorm.msPerStep);
    expect(result.skelnormMsPerStep).toBeCloseTo((times[0] + times[1]) / 2, 6);
    expect(result).toMatchObject({ pytorchMsPerStep: null, ratio: null, pytorchNote: 'skipped (--no-torch)' });
    expect(io.stdout.join('\n')).toMatch(/^round 2: skelnorm \d+ ms\/step \(median \d+, engine local\)$/m);
    expect(io.stdout.join('\n')).toMatch(/^skelnorm: \d+ ms\/step \(median of 2 rounds\), \d+\.\d samples\/s, engine local$/m);
  });
});
