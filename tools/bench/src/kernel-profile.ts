// Where a synchronous backend's time goes, per kernel: every kernel registered for the backend
// is wrapped with a timer that subtracts the time of kernels it calls itself (this package's
// wasm kernels are built from other kernels), so the rows add up to the step.
// Usage: node --conditions=source --import tsx tools/bench/src/kernel-profile.ts [VARIANT] [STEPS]
// (cpu or wasm; WebGPU kernels only enqueue work, so wall-clock per kernel means nothing there).
import { setupBackend, type BackendPreference } from '@skelnorm/backends';
import { makeSeedCnnData } from './seed-cnn/seed-cnn-data.js';
import { SeedCnnTfjs } from './seed-cnn/seed-cnn-tfjs.js';
import { instrumentKernels, printKernelTimes } from './instrument-kernels.js';

const [variant = 'wasm', stepsArg = '3'] = process.argv.slice(2);
const steps = Number(stepsArg);
const choice = await setupBackend({ prefer: variant as BackendPreference });
const model = new SeedCnnTfjs(makeSeedCnnData());
const warm = model.step();
await warm.data();
warm.dispose();
const times = instrumentKernels(choice.name);
const start = performance.now();
for (let i = 0; i < steps; i++) {
  const loss = model.step();
  await loss.data();
  loss.dispose();
}
const stepMs = (performance.now() - start) / steps;
model.dispose();
console.log(choice.reason);
printKernelTimes(times, steps, stepMs);
