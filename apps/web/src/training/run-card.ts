import { median } from '@skelnorm/trainer';
import { LineChart } from '../charts/line-chart.js';
import type { TrainingRun } from './training-run.js';

const COLOURS = { step: '#9fb7d9', train: '#1f6feb', test: '#d1495b', trainEval: '#2e8540' } as const;

/** Offers bytes as a file download (nothing leaves the machine). */
export function downloadBytes(name: string, bytes: Uint8Array | string, type = 'application/octet-stream'): void {
  const blob = new Blob([bytes as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * One run's card: name, status line, a loss chart (per step in train mode; per evaluation in eval
 * mode on held-out and training samples) and an accuracy chart (the gap between the train-mode and
 * eval-mode curves is what BatchNorm's running statistics cost), export buttons.
 */
export class RunCard {
  readonly root: HTMLElement;
  private readonly status: HTMLElement;
  private readonly lossChart: LineChart;
  private readonly accuracyChart: LineChart;
  private readonly exportWeights: HTMLButtonElement;
  private readonly exportCheckpoint: HTMLButtonElement;
  private readonly useForInference: HTMLButtonElement;

  constructor(
    container: HTMLElement,
    readonly run: TrainingRun,
    label: string,
    onUse: (run: TrainingRun) => void,
  ) {
    this.root = document.createElement('article');
    this.root.className = 'run';
    this.root.dataset['variant'] = run.variant.name;
    this.root.dataset['label'] = label;
    const title = document.createElement('h3');
    title.textContent = `${label}: ${run.variant.name}`;
    title.title = run.variant.description;
    const description = document.createElement('div');
    description.className = 'run-status run-description';
    description.textContent = run.variant.description;
    this.status = document.createElement('div');
    this.status.className = 'run-status mono';
    const charts = document.createElement('div');
    this.lossChart = new LineChart(charts, { title: 'loss', xLabel: 'step', yFromZero: true, minXSpan: run.settings.stepsPerEpoch * run.settings.epochs });
    this.accuracyChart = new LineChart(charts, { title: 'accuracy', xLabel: 'step', yRange: [0, 1], minXSpan: run.settings.stepsPerEpoch * run.settings.epochs });
    const actions = document.createElement('div');
    actions.className = 'run-actions';
    this.exportWeights = button('export weights', () => void this.downloadWeights());
    this.exportCheckpoint = button('export trainer checkpoint', () => void this.downloadCheckpoint());
    this.useForInference = button('use for inference', () => onUse(run));
    this.exportWeights.classList.add('export-weights');
    this.exportCheckpoint.classList.add('export-checkpoint');
    actions.append(this.exportWeights, this.exportCheckpoint, this.useForInference);
    this.root.append(title, description, this.status, charts, actions);
    container.append(this.root);
    this.refresh();
  }

  /** Redraws status and charts from the run's history. */
  refresh(): void {
    const { run } = this;
    const h = run.history;
    const last = h.steps.at(-1);
    const total = run.settings.stepsPerEpoch * run.settings.epochs;
    const msPerStep = h.stepMs.length > 0 ? median(h.stepMs) : NaN;
    const test = h.test.at(-1);
    const parts = [
      run.state,
      `step ${last?.[0] ?? 0}/${total}`,
      last ? `loss ${last[1].toFixed(4)}` : '',
      Number.isFinite(msPerStep) ? `${msPerStep.toFixed(0)} ms/step` : '',
      test ? `test top-1 ${(test[2] * 100).toFixed(1)}%` : '',
      run.error ?? '',
    ];
    this.status.textContent = parts.filter(Boolean).join(' · ');
    this.root.dataset['state'] = run.state;
    this.root.dataset['losses'] = JSON.stringify(h.steps.map((s) => s[1]));
    this.root.dataset['msPerStep'] = Number.isFinite(msPerStep) ? msPerStep.toFixed(1) : '';
    this.root.dataset['testTop1'] = test ? String(test[2]) : '';
    this.lossChart.update([
      { name: 'train step', color: COLOURS.step, points: h.steps.map(([x, y]) => [x, y]) },
      { name: 'train epoch', color: COLOURS.train, points: h.epochs.map(([x, y]) => [x, y]), markers: true },
      { name: 'test (eval)', color: COLOURS.test, points: h.test.map(([x, y]) => [x, y]), markers: true },
      { name: 'train (eval)', color: COLOURS.trainEval, points: h.trainEval.map(([x, y]) => [x, y]), markers: true, dashed: true },
    ]);
    this.accuracyChart.update([
      { name: 'train (train mode)', color: COLOURS.train, points: h.epochs.map(([x, , a]) => [x, a]), markers: true },
      { name: 'test (eval)', color: COLOURS.test, points: h.test.map(([x, , a]) => [x, a]), markers: true },
      { name: 'train (eval)', color: COLOURS.trainEval, points: h.trainEval.map(([x, , a]) => [x, a]), markers: true, dashed: true },
    ]);
    const running = run.state === 'running' || run.state === 'idle';
    this.exportWeights.disabled = running || h.steps.length === 0;
    this.useForInference.disabled = running;
    this.exportCheckpoint.disabled = run.state !== 'done';
  }

  private async downloadWeights(): Promise<void> {
    const bytes = await this.run.exportWeights();
    downloadBytes(`${this.run.variant.name}-step-${this.run.history.steps.at(-1)?.[0] ?? 0}.safetensors`, bytes);
  }

  private async downloadCheckpoint(): Promise<void> {
    const bytes = await this.run.trainerCheckpoint();
    if (bytes !== undefined) downloadBytes(`${this.run.variant.name}-checkpoint.safetensors`, bytes);
  }
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}


