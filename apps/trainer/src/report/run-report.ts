import { confusionMatrixSvg, lineChartSvg, type LineSeries } from '@skelnorm/trainer/charts';
import { thinSteps, type RunHistory } from './run-history.js';
import { percent as pct } from './percent.js';

export interface RunReportInput {
  readonly title: string;
  readonly history: RunHistory;
  /** Shown as a table of options. */
  readonly config: Readonly<Record<string, unknown>>;
  /** e.g. `{ name: 'wasm', reason: 'no GPU found' }`. */
  readonly backend?: { readonly name: string; readonly reason?: string };
  /** Free-form lines under "Notes" (interruptions, NaN guard, resume). */
  readonly notes?: readonly string[];
  /** Extra sections after the notes, their lines shown as preformatted text (aligned tables). */
  readonly sections?: readonly { readonly title: string; readonly intro?: string; readonly lines: readonly string[]; readonly outro?: string }[];
  readonly wallSeconds?: number;
}

export interface RunReport {
  readonly markdown: string;
  /** File name -> SVG text, referenced by relative links from the markdown. */
  readonly files: Readonly<Record<string, string>>;
}

const num = (x: number | undefined, digits = 4) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

/** Builds `report.md` and its plots from a run's history (pure). */
export function renderRunReport(input: RunReportInput): RunReport {
  const { history } = input;
  const files: Record<string, string> = {};
  const epochs = history.epochs;

  const lossSeries: LineSeries[] = [];
  const steps = thinSteps(history.steps);
  if (steps.length > 0 && steps.some((s) => s.epochFraction !== undefined)) {
    lossSeries.push({
      name: 'train (steps)',
      points: steps.filter((s) => s.epochFraction !== undefined).map((s) => [s.epochFraction!, s.loss] as const),
      color: '#9ecae1',
      markers: false,
    });
  }
  lossSeries.push({ name: 'train', points: epochs.filter((e) => e.trainLoss !== undefined).map((e) => [e.epoch, e.trainLoss!] as const), color: '#0072B2' });
  lossSeries.push({ name: 'eval', points: epochs.filter((e) => e.evalLoss !== undefined).map((e) => [e.epoch, e.evalLoss!] as const), color: '#D55E00', dashed: true });
  files['loss.svg'] = lineChartSvg({ title: 'Loss', xLabel: 'epoch', yLabel: 'cross-entropy', series: lossSeries });

  files['accuracy.svg'] = lineChartSvg({
    title: 'Accuracy',
    xLabel: 'epoch',
    yLabel: 'top-1 accuracy',
    yRange: [0, 1],
    series: [
      { name: 'train (running)', points: epochs.filter((e) => e.trainAccuracy !== undefined).map((e) => [e.epoch, e.trainAccuracy!] as const), color: '#0072B2' },
      { name: 'eval top-1', points: epochs.filter((e) => e.evalTop1 !== undefined).map((e) => [e.epoch, e.evalTop1!] as const), color: '#D55E00', dashed: true },
      { name: 'eval top-5', points: epochs.filter((e) => e.evalTop5 !== undefined).map((e) => [e.epoch, e.evalTop5!] as const), color: '#009E73', dashed: true },
    ],
  });
  if (history.confusion && history.confusion.length > 0) {
    files['confusion.svg'] = confusionMatrixSvg({
      matrix: history.confusion,
      ...(history.classNames ? { labels: history.classNames } : {}),
      title: 'Confusion matrix (last evaluation)',
    });
  }

  const lastEval = [...epochs].reverse().find((e) => e.evalTop1 !== undefined);
  const lastTrain = [...epochs].reverse().find((e) => e.trainAccuracy !== undefined);
  const lines: string[] = [];
  lines.push(`# ${input.title}`, '');
  if (lastEval) {
    lines.push(`**Final eval accuracy:** ${pct(lastEval.evalTop1)} top-1, ${pct(lastEval.evalTop5)} top-5 (epoch ${lastEval.epoch}).`);
  }
  if (lastTrain) lines.push(`**Final running train accuracy:** ${pct(lastTrain.trainAccuracy)} (train mode, epoch ${lastTrain.epoch}).`);
  if (input.backend) lines.push(`**Backend:** ${input.backend.name}${input.backend.reason ? ` (${input.backend.reason})` : ''}.`);
  if (input.wallSeconds !== undefined) lines.push(`**Wall time:** ${formatDuration(input.wallSeconds)}.`);
  lines.push('');

  lines.push('## Curves', '', '![loss](loss.svg)', '', '![accuracy](accuracy.svg)', '');
  if (files['confusion.svg']) lines.push('## Confusion matrix', '', 'Rows: true class; columns: prediction; shade: fraction of the row.', '', '![confusion matrix](confusion.svg)', '');

  lines.push('## Epochs', '', '| epoch | train loss | train acc | eval loss | eval top-1 | eval top-5 | lr | seconds |', '|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const e of epochs) {
    lines.push(
      `| ${e.epoch} | ${num(e.trainLoss)} | ${pct(e.trainAccuracy)} | ${num(e.evalLoss)} | ${pct(e.evalTop1)} | ${pct(e.evalTop5)} | ${e.learningRate === undefined ? '–' : e.learningRate.toPrecision(3)} | ${e.seconds === undefined ? '–' : e.seconds.toFixed(1)} |`,
    );
  }
  lines.push('');

  if (history.perClassAccuracy && history.perClassAccuracy.length > 0) {
    const ranked = history.perClassAccuracy.map((acc, i) => ({ acc, name: history.classNames?.[i] ?? String(i) })).filter((c) => Number.isFinite(c.acc));
    ranked.sort((a, b) => a.acc - b.acc);
    lines.push('## Hardest classes (last evaluation)', '', '| class | accuracy |', '|---|---:|');
    for (const c of ranked.slice(0, 10)) lines.push(`| ${c.name} | ${pct(c.acc)} |`);
    lines.push('');
  }

  if (input.notes && input.notes.length > 0) {
    lines.push('## Notes', '');
    for (const note of input.notes) lines.push(`- ${note}`);
    lines.push('');
  }

  for (const section of input.sections ?? []) {
    lines.push(`## ${section.title}`, '');
    if (section.intro) lines.push(section.intro, '');
    lines.push('```text', ...section.lines, '```', '');
    if (section.outro) lines.push(section.outro, '');
  }

  lines.push('## Configuration', '', '| option | value |', '|---|---|');
  for (const [key, value] of Object.entries(input.config)) {
    if (value === undefined) continue;
    lines.push(`| ${key} | ${escapeCell(typeof value === 'string' ? value : JSON.stringify(value))} |`);
  }
  lines.push('', 'Files: `config.json` (options), `metrics.jsonl` (one event per line), `checkpoints/`.', '');
  return { markdown: lines.join('\n'), files };
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  // Round to whole seconds first, so that 1139.6 s reads 19 min 0 s, not 18 min 60 s.
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  const s = whole - m * 60;
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
