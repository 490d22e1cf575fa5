import './styles.css';
import * as tf from '@tensorflow/tfjs-core';
import { collateSkeletons, packSkeleton, type SkeletonSample } from '@skelnorm/data';
import { BackendControl, preferenceFromUrl } from './backend-control.js';
import { DoctorPanel, type DiagnosisData } from './doctor/doctor-panel.js';
import { InferencePanel } from './inference/inference-panel.js';
import { LivePanel } from './live/live-panel.js';
import { TrainingPanel } from './training/training-panel.js';
import { ViewerPanel } from './viewer/viewer-panel.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const backend = new BackendControl(byId('backend-badge'), byId<HTMLSelectElement>('backend-select'));
const viewer = new ViewerPanel();
const inference = new InferencePanel(viewer);
const training = new TrainingPanel(backend, inference);
const live = new LivePanel(backend);

/**
 * Batches of up to 16 for the doctor: inputs and person masks (labels are not needed). Batch
 * statistics need 2 samples or more, so a trailing single sample is left out.
 */
function toBatches(samples: readonly SkeletonSample[]): Awaited<ReturnType<DiagnosisData>> {
  if (samples.length < 2) throw new Error(`the doctor needs 2 samples or more (BatchNorm batch statistics), got ${samples.length}: load more .skeleton files`);
  const batches = [];
  for (let i = 0; i + 1 < samples.length; i += 16) {
    const batch = collateSkeletons(samples.slice(i, i + 16));
    batch.y.dispose();
    batches.push({ x: batch.x, mask: batch.mask });
  }
  return batches;
}

const doctorData: DiagnosisData = async (source, { frames, persons }) => {
  if (source === 'synthetic') return toBatches(training.currentSplits(frames).test);
  const files = viewer.files;
  return toBatches(files.map((file) => packSkeleton(file, { frames, persons, label: 0 })));
};
const doctor = new DoctorPanel(inference, doctorData);

let syntheticIndex = 0;
byId('synthetic-sample').addEventListener('click', () => {
  const sample = training.sample(syntheticIndex++);
  const names = training.currentSplits().classNames;
  if (sample !== undefined) viewer.showSample(sample, 'synthetic generator, held-out split', names[sample.label] ?? `class ${sample.label}`);
});
byId('use-trained').addEventListener('click', () => {
  const run = training.latestRun();
  if (run !== undefined) training.useForInference(run);
});

// Exposed for the end-to-end tests and for poking at the app from the devtools console.
Object.assign(window, { skelnorm: { tf, backend, viewer, inference, training, doctor, live } });

void backend.use(preferenceFromUrl(new URL(window.location.href))).catch((error: unknown) => console.error(error));
