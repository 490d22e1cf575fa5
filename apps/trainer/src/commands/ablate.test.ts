import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';
import { parseXml } from '@skelnorm/test-support';

const TINY = ['--classes', '3', '--per-class', '12', '--frames', '16', '--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1'];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('skelnorm ablate', () => {
  it('runs selected variants over seeds and writes the table as markdown, JSON and SVG', async () => {
    const out = await mkdtemp(join(tmpdir(), 'skelnorm-ablate-'));
    dirs.push(out);
    const io = captureIO();
    const code = await main(['ablate', ...TINY, '--seeds', '0,1', '--variants', 'bn-precise,bn-repaired', '--out', out], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const md = await readFile(join(out, 'ablation.md'), 'utf8');
    const rows = md.split('\n').filter((l) => /^\| (bn-precise|bn-repaired) \|/.test(l));
    expect(rows.map((r) => r.split('|')[1]!.trim())).toEqual(['bn-precise', 'bn-repaired']);
    // Two seeds: every accuracy cell shows mean ± sd.
    for (const row of rows) expect(row.split('|').slice(2, 7).every((cell) => /\d+\.\d ± \d+\.\d/.test(cell))).toBe(true);
    // seed-bn was trained for the derived variants but is not a row.
    expect(md).not.toMatch(/^\| seed-bn \|/m);
    // Each seed's repair says what it measured and what it kept.
    for (const seed of [0, 1]) {
      expect(md).toMatch(new RegExp(`^- seed ${seed}: held-out accuracy \\(a\\) running \\d+\\.\\d%, \\(a'\\) converged .*; kept: (precise|per-slot|running)$`, 'm'));
    }
    const json = JSON.parse(await readFile(join(out, 'ablation.json'), 'utf8')) as { runs: { variant: string; seed: number; error?: string }[] };
    expect(json.runs).toHaveLength(4);
    expect(json.runs.filter((r) => r.error)).toEqual([]);
    expect(parseXml(await readFile(join(out, 'ablation.svg'), 'utf8')).name).toBe('svg');
    expect(io.stdout.join('\n')).toContain('| variant | train acc (running, train mode) |');
  });

  it('--bn-momentum sets the seed\'s momentum for every variant but bn-momentum-0.1', async () => {
    const out = await mkdtemp(join(tmpdir(), 'skelnorm-ablate-'));
    dirs.push(out);
    const io = captureIO();
    expect(await main(['ablate', ...TINY, '--seeds', '0', '--variants', 'bn-folded', '--bn-momentum', '0.1', '--out', out], io)).toBe(0);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config.seedConfig.modelOptions).toMatchObject({ norm: 'batch', personMode: 'per-person', bnMomentum: 0.1 });
    const run = JSON.parse(await readFile(join(out, 'ablation.json'), 'utf8')).runs[0];
    expect(run.variant).toBe('bn-folded');
    const checkpoints = await readFile(join(out, 'ablation.md'), 'utf8');
    expect(checkpoints).toContain('--bn-momentum 0.1');
    expect(await main(['ablate', '--bn-momentum', '2'], captureIO())).toBe(2);
  });

  it('rejects unknown variants with a usage error', async () => {
    const io = captureIO();
    expect(await main(['ablate', '--variants', 'no-norm,bogus'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/unknown variant bogus; known: no-norm, seed-bn/);
  });
});
