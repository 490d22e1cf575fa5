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
    expect(await main(['bench', '--workers', '0', '--batch-size', '4', '--steps', '1', '--warmup', '0', '--backend', 'wasm', '--no-torch', '--out', out], io)).toBe(0);
    const result = JSON.parse(await readFile(out, 'utf8'));
    expect(result.skelnorm).toMatchObject({ model: 'seed-cnn', workers: 0, batchSize: 4, steps: 1 });
    expect(result.skelnorm.msPerStep).toBeGreaterThan(0);
    expect(result).toMatchObject({ pytorch: null, ratio: null, pytorchNote: 'skipped (--no-torch)' });
    expect(io.stdout.join('\n')).toMatch(/^skelnorm: \d+ ms\/step \(median \d+\), \d+\.\d samples\/s, engine local$/m);
  });
});
