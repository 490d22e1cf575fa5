import { barChartSvg } from '@skelnorm/trainer/charts';
import type { FusionMethod, ScoreAccuracy } from './score-fusion.js';
import { percent } from '../report/percent.js';

/** What `skelnorm ensemble --out` reports: each input's accuracy and the fused one. */
export interface FusionReportInput {
  readonly inputs: readonly { readonly source: string; readonly weight: number; readonly accuracy: ScoreAccuracy }[];
  readonly fused: ScoreAccuracy;
  readonly method: FusionMethod;
  readonly numClasses: number;
  readonly classNames?: readonly string[];
}

export const FUSION_CHART_FILE = 'per-class-accuracy.svg';

export const describeFusion = (method: FusionMethod): string =>
  method === 'prob' ? 'softmax probabilities, weighted sum (PYSKL)' : 'raw logits, weighted sum (CTR-GCN ensemble.py)';


/** `report.md` (a summary table, the chart, a per-class table) and the per-class bar chart. */
export function renderFusionReport(input: FusionReportInput): { markdown: string; chartSvg: string } {
  const { inputs, fused, numClasses } = input;
  const className = (c: number) => (input.classNames?.[c] !== undefined ? `${c} ${input.classNames[c]}` : String(c));
  const lines = [
    '# Score fusion',
    '',
    `${fused.count} test samples of ${numClasses} classes, joined by sample name; ${describeFusion(input.method)}, weights ${inputs.map((i) => i.weight).join(':')}.`,
    '',
    '| input | weight | top-1 | top-5 |',
    '|---|---:|---:|---:|',
    ...inputs.map((i) => `| ${cell(i.source)} | ${i.weight} | ${percent(i.accuracy.top1)} | ${percent(i.accuracy.top5)} |`),
    `| **fused** | | **${percent(fused.top1)}** | **${percent(fused.top5)}** |`,
    '',
    `![per-class top-1](${FUSION_CHART_FILE})`,
    '',
    '## Per-class top-1',
    '',
    `| class | samples | ${inputs.map((i) => cell(i.source)).join(' | ')} | fused |`,
    `|---|---:|${inputs.map(() => '---:|').join('')}---:|`,
  ];
  for (let c = 0; c < numClasses; c++) {
    if (fused.perClassCount[c] === 0) continue;
    lines.push(`| ${cell(className(c))} | ${fused.perClassCount[c]} | ${inputs.map((i) => percent(i.accuracy.perClassAccuracy[c]!)).join(' | ')} | ${percent(fused.perClassAccuracy[c]!)} |`);
  }
  const tested = [...Array(numClasses).keys()].filter((c) => fused.perClassCount[c]! > 0);
  const chartSvg = barChartSvg({
    title: 'Per-class top-1: inputs and fusion',
    categories: tested.map(className),
    series: [
      ...inputs.map((i) => ({ name: i.source, values: tested.map((c) => i.accuracy.perClassAccuracy[c]! * 100) })),
      { name: 'fused', values: tested.map((c) => fused.perClassAccuracy[c]! * 100), color: '#111' },
    ],
    yLabel: 'top-1 (%)',
    yRange: [0, 100],
  });
  return { markdown: lines.join('\n') + '\n', chartSvg };
}

/** A table cell: a `|` would end it. */
const cell = (text: string) => text.replace(/\|/g, '\\|');
