// Where one training step of a zoo model goes on a synchronous backend, per kernel (exclusive
// time: kernels built from other kernels do not count their children twice).
// From the package: `npx tsx --tsconfig tsconfig.worker.json scripts/profile-step.ts [--norm batch] [--batch 32] [--steps 3] [--backend wasm]`
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, type BackendPreference } from '@skelnorm/backends';
import { createModel } from '@skelnorm/models';
import { createOptimizer, localStepEngine } from '@skelnorm/trainer';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? String(process.argv[i + 1]) : fallback;
};
const norm = arg('norm', 'batch');
const batchSize = Number(arg('batch', '32'));
const steps = Number(arg('steps', '3'));
const choice = await setupBackend({ prefer: arg('backend', 'wasm') as BackendPreference });

const times = new Map<string, { ms: number; calls: number }>();
const stack: number[] = [];
let recording = false;
for (const config of tf.getKernelsForBackend(choice.name)) {
  const inner = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, choice.name);
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      if (!recording) return inner(args);
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

const model = createModel('seed-cnn', { norm, personMode: arg('person-mode', 'per-person') });
const optimizerSpec = { name: 'adam', lr: 1e-3 } as const;
const optimizer = createOptimizer(model.namedParameters(), optimizerSpec);
const engine = await localStepEngine()({ model, optimizer, optimizerSpec, labelSmoothing: 0 });
const batch = () => ({ x: tf.randomUniform([batchSize, 2, 64, 25, 3], -1, 1), y: tf.randomUniform([batchSize], 0, 60, 'int32') });
for (let i = 0; i < 2; i++) { const b = batch(); await engine.step(b, 1e-3); tf.dispose([b.x, b.y]); }
recording = true;
const start = performance.now();
for (let i = 0; i < steps; i++) { const b = batch(); await engine.step(b, 1e-3); tf.dispose([b.x, b.y]); }
const stepMs = (performance.now() - start) / steps;
recording = false;
const rows = [...times].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((s, [, t]) => s + t.ms, 0) / steps;
console.log(`${choice.reason}\nseed-cnn norm=${norm} batch ${batchSize}: ${stepMs.toFixed(0)} ms/step (${kernelMs.toFixed(0)} ms in kernels)`);
console.log('kernel'.padEnd(28) + 'ms/step'.padStart(9) + 'calls'.padStart(8) + '%'.padStart(7));
for (const [name, t] of rows.slice(0, 25)) {
  console.log(name.padEnd(28) + (t.ms / steps).toFixed(1).padStart(9) + (t.calls / steps).toFixed(0).padStart(8) + ((100 * t.ms) / steps / stepMs).toFixed(1).padStart(7));
}
