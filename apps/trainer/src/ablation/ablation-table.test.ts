import { describe, expect, it } from 'vitest';
import { findAll, parseXml } from '@skelnorm/test-support';
import { ablationJson, ablationMarkdown, ablationSvg, spread, summarizeAblation, type AblationRun } from './ablation-table.js';

const run = (variant: string, seed: number, train: number, test: number): AblationRun => ({
  variant,
  seed,
  runningTrainAccuracy: train,
  trainAccuracyEval: train - 0.05,
  testAccuracy: test,
  testAccuracyBatchStats: test + 0.1,
  seconds: 10,
});

describe('ablation table', () => {
  it('computes mean and sample standard deviation', () => {
    // Hand calculation: values 0.6, 0.7, 0.8 -> mean 0.7, sd sqrt(((0.1)^2 + 0 + (0.1)^2) / 2) = 0.1.
    const s = spread([0.6, 0.7, 0.8]);
    expect(s.mean).toBeCloseTo(0.7, 12);
    expect(s.std).toBeCloseTo(0.1, 12);
    expect(s.min).toBe(0.6);
    expect(s.max).toBe(0.8);
    expect(spread([Number.NaN]).n).toBe(0);
  });

  it('writes markdown, JSON and SVG with one row per variant in the given order', () => {
    const runs = [run('bn', 1, 0.9, 0.6), run('bn', 2, 0.92, 0.64), run('none', 1, 0.75, 0.7), run('none', 2, 0.77, 0.7)];
    const order = [
      { name: 'none', description: 'no normalization' },
      { name: 'bn', description: 'seed BN' },
      { name: 'never-run', description: 'filtered out' },
    ];
    const rows = summarizeAblation(runs, order);
    expect(rows.map((r) => r.variant)).toEqual(['none', 'bn']);
    // gap per seed: 0.30, 0.28 -> mean 0.29.
    expect(rows[1]!.gap.mean).toBeCloseTo(0.29, 12);
    const meta = { command: 'skelnorm ablate', seeds: [1, 2], epochs: 3, batchSize: 32, data: 'synthetic', backend: 'cpu' };
    const md = ablationMarkdown(rows, meta);
    const tableLines = md.split('\n').filter((l) => l.startsWith('| '));
    expect(tableLines).toHaveLength(3);
    expect(tableLines[2]).toBe('| bn | 91.0 ± 1.4 | 86.0 ± 1.4 | 62.0 ± 2.8 | 72.0 ± 2.8 | +29.0 ± 1.4 | 10 |');
    const json = JSON.parse(ablationJson(rows, runs, meta)) as { rows: unknown[]; runs: unknown[] };
    expect(json.rows).toHaveLength(2);
    expect(json.runs).toHaveLength(4);
    const svg = parseXml(ablationSvg(rows));
    const bars = findAll(findAll(svg, 'g').find((g) => g.attributes.class === 'bars')!, 'rect');
    expect(bars).toHaveLength(8);
  });
});
