// Child-process entry: the seed CNN's training step on one backend variant, timed. Each variant
// runs in its own process, so backends never share memory or a half-initialized state, and
// node-webgpu gets the environment that Dawn needs at process start.
// Usage: seed-cnn-worker.ts VARIANT DATA_DIR WARMUP STEPS; prints one JSON line (SeedCnnWorkerOutput).
// VARIANT is a backend variant, or 'wasm-shipped': wasm with its own kernels, plus only the two it
// lacks for this step (Conv2DBackpropFilter, UnsortedSegmentSum), to measure what the others gain.
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels, setupBackend, unregisterWasmTrainingKernels, type BackendPreference } from '@skelnorm/backends';
import { readSeedCnnData } from './seed-cnn-data.js';
import { SeedCnnTfjs } from './seed-cnn-tfjs.js';

/** What the worker prints: the timings, or why the variant is unavailable here. */
export type SeedCnnWorkerOutput = SeedCnnWorkerResult | { readonly variant: string; readonly unavailable: string };

/** The timings of one variant. */
export interface SeedCnnWorkerResult {
  readonly variant: string;
  readonly backend: string;
  readonly reason: string;
  readonly losses: number[];
  readonly warmupMs: number[];
  readonly stepMs: number[];
}

const [variant = 'auto', dataDir = '', warmupArg = '1', stepsArg = '3'] = process.argv.slice(2);
let choice: Awaited<ReturnType<typeof setupBackend>>;
try {
  choice = await setupBackend({ prefer: (variant === 'wasm-shipped' ? 'wasm' : variant) as BackendPreference });
  if (variant === 'wasm-shipped') {
    unregisterWasmTrainingKernels();
    registerWasmTrainingKernels(['Conv2DBackpropFilter', 'UnsortedSegmentSum']);
  }
} catch (error) {
  // A variant that does not load here is a result (skipped, with the reason), not a crash.
  process.stdout.write(`${JSON.stringify({ variant, unavailable: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(0);
}
const model = new SeedCnnTfjs(readSeedCnnData(dataDir));
const reason = variant === 'wasm-shipped' ? "wasm's own kernels; added only the missing Conv2DBackpropFilter, UnsortedSegmentSum" : choice.reason;
const result: SeedCnnWorkerResult = { variant, backend: choice.name, reason, losses: [], warmupMs: [], stepMs: [] };
const warmup = Number(warmupArg);
for (let i = 0; i < warmup + Number(stepsArg); i++) {
  const start = performance.now();
  const loss = model.step();
  const value = (await loss.data())[0] ?? NaN; // waits for the step: WebGPU runs asynchronously
  loss.dispose();
  (i < warmup ? result.warmupMs : result.stepMs).push(performance.now() - start);
  result.losses.push(value);
}
model.dispose();
if (tf.memory().numTensors > 0 && process.env['SKELNORM_BENCH_DEBUG']) console.error(`tensors left: ${tf.memory().numTensors}`);
process.stdout.write(`${JSON.stringify(result)}\n`);
