// Where a synchronous backend's time goes, per kernel: every kernel registered for the backend
// is wrapped with a timer that subtracts the time of kernels it calls itself (this package's
// wasm kernels are built from other kernels), so the rows add up to the step.
// Usage: tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/kernel-profile.ts [VARIANT] [STEPS]
// (cpu or wasm; WebGPU kernels only enqueue work, so wall-clock per kernel means nothing there).
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, type BackendPreference } from '@skelnorm/backends';
import { makeSeedCnnData } from './seed-cnn/seed-cnn-data.js';
import { SeedCnnTfjs } from './seed-cnn/seed-cnn-tfjs.js';

/** Exclusive time and calls per kernel name. */
type KernelTimes = Map<string, { ms: number; calls: number }>;

/** Wraps every kernel of `backendName` with an exclusive-time timer writing into the returned map. */
function instrumentKernels(backendName: string): KernelTimes {
  const times: KernelTimes = new Map();
  const stack: number[] = []; // time spent in children of each active kernel
  for (const config of tf.getKernelsForBackend(backendName)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        stack.push(0);
        const start = performance.now();
        try {
          return inner(args);
        } finally {
          const total = performance.now() - start;
          const children = stack.pop() ?? 0;
          if (stack.length > 0) stack[stack.length - 1]! += total;
          const entry = times.get(config.kernelName) ?? { ms: 0, calls: 0 };
          entry.ms += total - children;
          entry.calls += 1;
          times.set(config.kernelName, entry);
        }
      },
    });
  }
  return times;
}

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
const rows = [...times].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((sum, [, t]) => sum + t.ms, 0) / steps;
console.log(`${choice.reason}\nseed CNN step: ${stepMs.toFixed(0)} ms (${kernelMs.toFixed(0)} ms in kernels), ${steps} steps`);
console.log('kernel'.padEnd(26) + 'ms/step'.padStart(9) + 'calls/step'.padStart(12) + '%'.padStart(7));
for (const [name, t] of rows.slice(0, 20)) {
  console.log(name.padEnd(26) + (t.ms / steps).toFixed(1).padStart(9) + (t.calls / steps).toFixed(0).padStart(12) + ((100 * t.ms) / steps / stepMs).toFixed(1).padStart(7));
}
