import { barChartSvg } from '@skelnorm/trainer/charts';

/** The measurements of one (variant, seed) training run. Accuracies are 0..1. */
export interface AblationRun {
  readonly variant: string;
  readonly seed: number;
  /** Running accuracy over the last training epoch, in train mode (what a training log shows). */
  readonly runningTrainAccuracy: number;
  /** Accuracy on the training split re-evaluated in eval mode (running statistics). */
  readonly trainAccuracyEval: number;
  /** Accuracy on the test split in eval mode: the number that matters. */
  readonly testAccuracy: number;
  /**
   * Test accuracy with batch statistics (BN in train mode, no updates, dropout off). If this is
   * much higher than `testAccuracy`, the running statistics are the problem, not overfitting.
   */
  readonly testAccuracyBatchStats: number;
  readonly seconds: number;
  /** For `bn-repaired`: what the doctor measured on the seed's model and what its repair kept (one line). */
  readonly doctor?: string;
  /** Set when the run failed; the numbers are then NaN. */
  readonly error?: string;
}

/** Mean, sample standard deviation (n - 1), min and max over seeds. */
export interface Spread {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export interface AblationRow {
  readonly variant: string;
  readonly description: string;
  readonly runningTrainAccuracy: Spread;
  readonly trainAccuracyEval: Spread;
  readonly testAccuracy: Spread;
  readonly testAccuracyBatchStats: Spread;
  /** runningTrainAccuracy - testAccuracy, per seed, then summarised. */
  readonly gap: Spread;
  readonly seconds: Spread;
  readonly seeds: readonly number[];
  readonly errors: readonly string[];
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), min: Math.min(...finite), max: Math.max(...finite), n };
}

/** Groups runs by variant (in `order`), and summarises each measurement over seeds. */
export function summarizeAblation(
  runs: readonly AblationRun[],
  order: readonly { readonly name: string; readonly description: string }[],
): AblationRow[] {
  return order
    .map(({ name, description }) => {
      const mine = runs.filter((r) => r.variant === name);
      return {
        variant: name,
        description,
        runningTrainAccuracy: spread(mine.map((r) => r.runningTrainAccuracy)),
        trainAccuracyEval: spread(mine.map((r) => r.trainAccuracyEval)),
        testAccuracy: spread(mine.map((r) => r.testAccuracy)),
        testAccuracyBatchStats: spread(mine.map((r) => r.testAccuracyBatchStats)),
        gap: spread(mine.map((r) => r.runningTrainAccuracy - r.testAccuracy)),
        seconds: spread(mine.map((r) => r.seconds)),
        seeds: mine.map((r) => r.seed),
        errors: mine.flatMap((r) => (r.error ? [`seed ${r.seed}: ${r.error}`] : [])),
      };
    })
    .filter((row) => row.seeds.length > 0);
}

/** `71.3 ± 2.1` (percent, sample sd), or `71.3` for one seed, `–` when missing. */
export function formatPercentSpread(s: Spread, signed = false): string {
  if (s.n === 0 || !Number.isFinite(s.mean)) return '–';
  const sign = signed && s.mean > 0 ? '+' : '';
  const mean = `${sign}${(s.mean * 100).toFixed(1)}`;
  return s.n > 1 ? `${mean} ± ${(s.std * 100).toFixed(1)}` : mean;
}

export interface AblationMeta {
  readonly command: string;
  readonly seeds: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly data: string;
  readonly backend: string;
  readonly notes?: readonly string[];
}

/** The markdown table (with a legend that says what every column measures). */
export function ablationMarkdown(rows: readonly AblationRow[], meta: AblationMeta, runs: readonly AblationRun[] = []): string {
  const lines: string[] = [];
  lines.push('# Normalization ablation', '');
  lines.push(`Command: \`${meta.command}\``, '');
  lines.push(
    `Data: ${meta.data}. Seeds: ${meta.seeds.join(', ')}. Epochs: ${meta.epochs}. Batch size: ${meta.batchSize} (unless the variant changes it). Backend: ${meta.backend}.`,
    '',
  );
  lines.push(
    '| variant | train acc (running, train mode) | train acc (eval mode) | test acc | test acc (batch stats) | gap | time (s) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const row of rows) {
    lines.push(
      `| ${row.variant} | ${formatPercentSpread(row.runningTrainAccuracy)} | ${formatPercentSpread(row.trainAccuracyEval)} | ${formatPercentSpread(row.testAccuracy)} | ${formatPercentSpread(row.testAccuracyBatchStats)} | ${formatPercentSpread(row.gap, true)} | ${Number.isFinite(row.seconds.mean) ? row.seconds.mean.toFixed(0) : '–'} |`,
    );
  }
  lines.push('');
  lines.push('Accuracies in percent, mean ± sample standard deviation over seeds. Columns:');
  lines.push('- **train acc (running, train mode)**: accuracy over the last training epoch as the training loop saw it (batch statistics, dropout on).');
  lines.push('- **train acc (eval mode)**: the training split re-evaluated in eval mode (running statistics, dropout off).');
  lines.push('- **test acc**: the test split in eval mode.');
  lines.push('- **test acc (batch stats)**: the test split with normalization layers using the statistics of each test batch (no running-statistic updates, dropout off). When this is far above *test acc*, the running statistics are wrong; when both are low, the model overfits.');
  lines.push('- **gap**: running train acc − test acc, per seed, then averaged.');
  lines.push('');
  lines.push('Variants:', '');
  for (const row of rows) lines.push(`- **${row.variant}**: ${row.description}`);
  const doctor = runs.filter((r) => r.doctor);
  if (doctor.length > 0) {
    lines.push('', "The doctor on each seed's `seed-bn` model (the `bn-repaired` row):", '');
    for (const r of doctor) lines.push(`- seed ${r.seed}: ${r.doctor}`);
  }
  const errors = rows.flatMap((row) => row.errors.map((e) => `${row.variant}, ${e}`));
  if (errors.length > 0) {
    lines.push('', 'Failed runs:', '');
    for (const e of errors) lines.push(`- ${e}`);
  }
  if (meta.notes && meta.notes.length > 0) {
    lines.push('', 'Notes:', '');
    for (const note of meta.notes) lines.push(`- ${note}`);
  }
  lines.push('', '![ablation](ablation.svg)', '');
  return lines.join('\n');
}

/** Machine-readable table: summary rows and every run. */
export function ablationJson(rows: readonly AblationRow[], runs: readonly AblationRun[], meta: AblationMeta): string {
  return JSON.stringify({ meta, rows, runs }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

/** Grouped bars per variant with the seed spread as error bars. */
export function ablationSvg(rows: readonly AblationRow[]): string {
  const pick = (key: 'runningTrainAccuracy' | 'trainAccuracyEval' | 'testAccuracy' | 'testAccuracyBatchStats') => ({
    values: rows.map((r) => (Number.isFinite(r[key].mean) ? r[key].mean * 100 : undefined)),
    errors: rows.map((r) => (r[key].n > 1 ? r[key].std * 100 : undefined)),
  });
  return barChartSvg({
    title: 'Normalization ablation (mean ± sd over seeds)',
    categories: rows.map((r) => r.variant),
    yLabel: 'accuracy (%)',
    yRange: [0, 100],
    series: [
      { name: 'train (running)', ...pick('runningTrainAccuracy'), color: '#56B4E9' },
      { name: 'train (eval mode)', ...pick('trainAccuracyEval'), color: '#0072B2' },
      { name: 'test', ...pick('testAccuracy'), color: '#D55E00' },
      { name: 'test (batch stats)', ...pick('testAccuracyBatchStats'), color: '#E69F00' },
    ],
  });
}
