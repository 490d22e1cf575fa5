import type { DiagnosisReport, LayerDiagnosis } from '@skelnorm/norm';
import { renderBarChart } from '../charts/bar-chart.js';

/** Colour of each verdict in the table and the charts. */
export const verdictColours: Readonly<Record<LayerDiagnosis['verdict'], string>> = {
  healthy: '#2e8540',
  'shared-between-distributions': '#c0392b',
  'stale-statistics': '#d35400',
  'untrained-statistics': '#8e44ad',
  'invalid-statistics': '#000000',
  'no-running-statistics': '#5f6b7d',
  'not-called': '#9aa4b2',
};

const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));

function cell(tag: 'td' | 'th', text: string, title?: string): HTMLTableCellElement {
  const c = document.createElement(tag);
  c.textContent = text;
  if (title !== undefined) c.title = title;
  return c;
}

/** The doctor's per-layer table: one row per BatchNorm layer, the verdict as a coloured tag. */
export function renderDiagnosisTable(report: DiagnosisReport): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'report';
  const head = document.createElement('tr');
  for (const [text, title] of [
    ['layer', 'dotted path in the model'],
    ['kind', ''],
    ['calls / forward', 'how often one forward pass calls the layer (2 = shared by two persons)'],
    ['momentum', 'PyTorch convention: weight of the new batch'],
    ['batch', 'N of the layer input during the diagnosis'],
    ['batches tracked', 'num_batches_tracked'],
    ['mean shift σ', 'running mean vs population mean, in population standard deviations (mean over channels / max)'],
    ['var ratio', 'running variance / population variance (geometric mean over channels)'],
    ['blend σ', 'worst channel of the worst call site (person) normalized with the statistics of all calls pooled: how far one set of statistics is from what training did, in output standard deviations (channels over the threshold)'],
    ['verdict', ''],
  ] as const) {
    head.append(cell('th', text, title || undefined));
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const body = document.createElement('tbody');
  for (const layer of report.layers) {
    const row = document.createElement('tr');
    row.dataset['layer'] = layer.name;
    row.dataset['verdict'] = layer.verdict;
    if (layer.verdict !== 'healthy' && layer.verdict !== 'no-running-statistics' && layer.verdict !== 'not-called') row.className = 'flagged';
    const verdict = document.createElement('td');
    const tag = document.createElement('span');
    tag.className = 'verdict';
    tag.style.background = verdictColours[layer.verdict];
    tag.textContent = layer.verdict;
    tag.title = layer.message;
    verdict.append(tag);
    row.append(
      cell('td', layer.name),
      cell('td', layer.kind),
      cell('td', String(layer.callsPerForward)),
      cell('td', layer.momentum === null ? 'cumulative' : String(layer.momentum)),
      cell('td', String(layer.batchSize)),
      cell('td', String(layer.numBatchesTracked)),
      cell('td', layer.meanShiftSigma ? `${num(layer.meanShiftSigma.mean)} / ${num(layer.meanShiftSigma.max)}` : '—'),
      cell('td', num(layer.varianceRatio?.mean)),
      cell('td', layer.sharing ? `${num(layer.sharing.max)} (${layer.sharing.channelsOver}/${layer.sharing.channels})` : '—'),
      verdict,
    );
    body.append(row);
  }
  table.append(thead, body);
  return table;
}

/** What is wrong with each flagged layer and the most direct fix. */
export function renderDiagnosisMessages(report: DiagnosisReport): HTMLOListElement {
  const list = document.createElement('ol');
  list.className = 'doctor-messages';
  for (const layer of report.layers) {
    if (layer.fixes.length === 0) continue;
    const li = document.createElement('li');
    li.textContent = layer.message;
    const fix = document.createElement('span');
    fix.className = 'fix';
    fix.textContent = `Fix: ${layer.fixes[0]}`;
    li.append(fix);
    list.append(li);
  }
  return list;
}

/**
 * Two bar charts per layer: how far the running statistics are from the data (what eval mode gets
 * wrong), and how different the persons' inputs are at a shared layer (why).
 */
export function renderDiagnosisCharts(report: DiagnosisReport): SVGSVGElement[] {
  const bars = (value: (l: LayerDiagnosis) => number | undefined) =>
    report.layers.map((l) => ({ label: l.name, value: value(l) ?? Number.NaN, colour: verdictColours[l.verdict] }));
  return [
    renderBarChart(bars((l) => l.meanShiftSigma?.mean), {
      title: 'running mean vs data: shift in σ',
      yLabel: 'σ',
      reference: { value: report.thresholds.meanShiftThreshold, label: `stale above ${report.thresholds.meanShiftThreshold}` },
      width: 520,
    }),
    renderBarChart(bars((l) => l.sharing?.max), {
      title: 'one set of statistics for all persons: worst channel, output σ',
      yLabel: 'σ',
      reference: { value: report.thresholds.sharingThreshold, label: `shared above ${report.thresholds.sharingThreshold}` },
      width: 520,
    }),
  ];
}
