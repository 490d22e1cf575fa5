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
  // The PyTorch anchor (runTorchAnchor) needs torch; --no-torch keeps this fast and machine-independent.
  it('times our training step per configuration, alternating rounds, and writes JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-bench-'));
    dirs.push(dir);
    const out = join(dir, 'bench.json');
    const io = captureIO();
    const args = ['bench', '--workers', '0', '--person-sparse', 'both', '--batch-size', '6', '--steps', '1', '--warmup', '0', '--rounds', '2', '--backend', 'wasm', '--no-torch', '--out', out];
    expect(await main(args, io)).toBe(0);
    const result = JSON.parse(await readFile(out, 'utf8'));
    expect(result.rounds).toHaveLength(2);
    expect(result.rounds[1].skelnorm).toHaveLength(2);
    expect(result.rounds[1].skelnorm[0]).toMatchObject({ model: 'seed-cnn', workers: 0, batchSize: 6, steps: 1 });
    expect(result.rounds[1]).toMatchObject({ pytorch: null, pytorchPlain: null });
    const times = result.rounds.map((r: { skelnorm: { medianMsPerStep: number }[] }) => r.skelnorm[0]!.medianMsPerStep);
    expect(result.skelnormMsPerStep).toBeCloseTo((times[0] + times[1]) / 2, 6);
    expect(result.summary.map((r: { runner: string; personSparse: boolean }) => [r.runner, r.personSparse])).toEqual([['skelnorm', true], ['skelnorm', false]]);
    expect(result).toMatchObject({ pytorchMsPerStep: null, pytorchPlainMsPerStep: null, ratio: null, ratioPlain: null, pytorchNote: 'skipped (--no-torch)' });
    const stdout = io.stdout.join('\n');
    expect(stdout).toMatch(/^round 2: skelnorm \d+ ms\/step \(sparse, engine local\), skelnorm \d+ ms\/step \(dense, engine local\)$/m);
    expect(stdout).toMatch(/^skelnorm sparse, engine local: \d+ ms\/step \(median of 2 rounds\), \d+\.\d samples\/s, vs tuned -, vs plain -$/m);
    expect(stdout).toMatch(/^pytorch anchor: skipped \(--no-torch\)$/m);
  });

  it('refuses a worker count that is not a non-negative integer', async () => {
    const io = captureIO();
    expect(await main(['bench', '--workers', '1,x', '--no-torch'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--workers expects non-negative integers, got 'x'/);
  });
});
