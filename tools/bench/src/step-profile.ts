// Where one training step of a zoo model goes (default: the seed CNN with BatchNorm, per-person
// calls, Adam, batch 32 = one data-parallel worker's share of 64), per kernel, through the
// trainer's own step engine. Usage (from the workspace root):
//   node --conditions=source --import tsx tools/bench/src/step-profile.ts \
//     [--norm batch] [--person-mode per-person] [--batch 32] [--steps 3] [--backend wasm]
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, type BackendPreference } from '@skelnorm/backends';
import { createModel } from '@skelnorm/models';
import { createOptimizer, localStepEngine } from '@skelnorm/trainer';
import { instrumentKernels, printKernelTimes } from './instrument-kernels.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? String(process.argv[i + 1]) : fallback;
};
const norm = arg('norm', 'batch');
const personMode = arg('person-mode', 'per-person');
const batchSize = Number(arg('batch', '32'));
const steps = Number(arg('steps', '3'));
const choice = await setupBackend({ prefer: arg('backend', 'wasm') as BackendPreference });

const model = createModel('seed-cnn', { norm, personMode });
const optimizerSpec = { name: 'adam', lr: 1e-3 } as const;
const optimizer = createOptimizer(model.namedParameters(), optimizerSpec);
const engine = await localStepEngine()({ model, optimizer, optimizerSpec, labelSmoothing: 0 });
const step = async () => {
  const batch = { x: tf.randomUniform([batchSize, 2, 64, 25, 3], -1, 1), y: tf.randomUniform([batchSize], 0, 60, 'int32') };
  try {
    await engine.step(batch, optimizerSpec.lr);
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
};
for (let i = 0; i < 2; i++) await step();
const times = instrumentKernels(choice.name);
const start = performance.now();
for (let i = 0; i < steps; i++) await step();
const stepMs = (performance.now() - start) / steps;
console.log(`${choice.reason}\nseed-cnn norm=${norm} personMode=${personMode}, batch ${batchSize}, Adam`);
printKernelTimes(times, steps, stepMs);
