import type * as tf from '@tensorflow/tfjs-core';
import { diagnose } from '@skelnorm/norm';
import type { InferencePanel } from '../inference/inference-panel.js';
import { renderDiagnosisCharts, renderDiagnosisMessages, renderDiagnosisTable } from './doctor-report-view.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** Where the doctor's batches come from: `[N, M, T, 25, 3]` inputs with their person masks. */
export type DiagnosisData = (
  source: 'synthetic' | 'viewer',
  shape: { frames: number; persons: number; numClasses: number },
) => Promise<{ x: tf.Tensor; mask: tf.Tensor }[]>;

/**
 * The doctor card: `diagnose` from @skelnorm/norm on the inference panel's model (a loaded
 * checkpoint or a model trained here), rendered as a verdict summary, two charts and a table.
 */
export class DoctorPanel {
  private readonly button = byId<HTMLButtonElement>('run-doctor');
  private readonly status = byId<HTMLElement>('doctor-status');

  constructor(
    private readonly inference: InferencePanel,
    private readonly data: DiagnosisData,
  ) {
    this.button.addEventListener('click', () => void this.run());
    inference.onModel((model) => (this.button.disabled = model === undefined));
  }

  async run(): Promise<void> {
    const active = this.inference.model;
    if (active === undefined) return;
    const source = byId<HTMLSelectElement>('doctor-data').value as 'synthetic' | 'viewer';
    this.button.disabled = true;
    this.status.classList.remove('error');
    this.status.textContent = `collecting statistics of ${active.description}…`;
    let batches: { x: tf.Tensor; mask: tf.Tensor }[] = [];
    try {
      const numClasses = typeof active.model.config['numClasses'] === 'number' ? (active.model.config['numClasses'] as number) : 60;
      batches = await this.data(source, { frames: active.frames, persons: active.persons, numClasses });
      if (batches.length === 0) throw new Error(source === 'viewer' ? 'load .skeleton files in the viewer first' : 'no data');
      const started = performance.now();
      const report = await diagnose(active.model, batches);
      const summary = byId('doctor-summary');
      summary.textContent = report.summary;
      summary.className = `doctor-summary ${report.healthy ? 'healthy' : 'unhealthy'}`;
      summary.dataset['healthy'] = String(report.healthy);
      byId('doctor-chart').replaceChildren(...renderDiagnosisCharts(report));
      byId('doctor-table').replaceChildren(renderDiagnosisTable(report), renderDiagnosisMessages(report));
      this.status.textContent = `${report.layers.length} BatchNorm layers, ${report.batches} batches, ${((performance.now() - started) / 1000).toFixed(1)} s`;
    } catch (error) {
      this.status.textContent = error instanceof Error ? error.message : String(error);
      this.status.classList.add('error');
      byId('doctor-summary').replaceChildren();
      byId('doctor-chart').replaceChildren();
      byId('doctor-table').replaceChildren();
    } finally {
      for (const batch of batches) {
        batch.x.dispose();
        batch.mask.dispose();
      }
      this.button.disabled = this.inference.model === undefined;
    }
  }
}
