// Trains the seed CNN for two epochs on a small random-but-learnable set, with checkpoints and two
// worker replicas, then evaluates. From the repository root, after `npm run build`:
//   node packages/trainer/examples/train-tiny.mjs [runDir]
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@skelnorm/backends';
import { createModel } from '@skelnorm/models';
import { Generator } from '@skelnorm/nn';
import { epochSeed, evaluate, fit } from '@skelnorm/trainer';
import { FileCheckpointStore, dataParallel } from '@skelnorm/trainer/node';

const backend = await setupBackend({ prefer: 'wasm' });
console.log(`backend: ${backend.name}`);

// 128 samples [M=2, T=16, V=25, C=3] in 4 classes: class c shifts every coordinate by c / 4.
const [N, M, T, V, C, K] = [128, 2, 16, 25, 3, 4];
const sample = M * T * V * C;
const noise = new Generator(1);
const xs = new Float32Array(N * sample);
const ys = Int32Array.from({ length: N }, (_, i) => i % K);
for (let i = 0; i < xs.length; i++) xs[i] = noise.nextFloat() - 0.5 + (ys[Math.floor(i / sample)] ?? 0) / 4;

/** Batches of 32 in a new order every epoch, the same order for the same (seed, epoch). */
function* batches(epoch, seed, shuffle = true) {
  const order = Array.from({ length: N }, (_, i) => i);
  const g = new Generator(epochSeed(seed, epoch));
  if (shuffle) for (let i = N - 1; i > 0; i--) { const j = g.nextInt(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
  for (let start = 0; start < N; start += 32) {
    const idx = order.slice(start, start + 32);
    const x = new Float32Array(idx.length * sample);
    idx.forEach((s, k) => x.set(xs.subarray(s * sample, (s + 1) * sample), k * sample));
    yield { x: tf.tensor(x, [idx.length, M, T, V, C]), y: tf.tensor1d(idx.map((s) => ys[s]), 'int32') };
  }
}

const modelSpec = { name: 'seed-cnn', options: { numClasses: K, frames: T, norm: 'batch', bnMomentum: 0.1 } };
const model = createModel(modelSpec.name, modelSpec.options);
const store = new FileCheckpointStore(process.argv[2] ?? 'runs/example/checkpoints');
const events = fit(model, { train: batches, test: () => batches(0, 0, false) }, {
  epochs: 2,
  optimizer: { name: 'adamw', lr: 1e-3 },
  schedule: { name: 'cosine', warmupSteps: 2 },
  labelSmoothing: 0.1,
  recalibrate: true, // PreciseBN before each evaluation (running statistics lag after few steps)
  clipGradNorm: 5,
  checkpoint: { store, config: { example: true } },
  engine: dataParallel({ workers: 2, model: modelSpec }),
  resume: 'latest',
});
for await (const e of events) {
  if (e.type === 'start') console.log(`start: epoch ${e.epoch}, ${e.numParameters} parameters, ${e.engine}`);
  if (e.type === 'step') console.log(`  step ${e.globalStep}: loss ${e.loss.toFixed(3)}, lr ${e.lr.toExponential(2)}, ${e.stepsPerSecond.toFixed(2)} steps/s`);
  if (e.type === 'epoch') console.log(`epoch ${e.epoch}: train loss ${e.loss.toFixed(3)}, accuracy ${(100 * e.accuracy).toFixed(1)}%`);
  if (e.type === 'eval') console.log(`eval: top-1 ${(100 * e.top1).toFixed(1)}%, top-5 ${(100 * e.top5).toFixed(1)}%`);
  if (e.type === 'checkpoint') console.log(`checkpoint: ${e.location}`);
  if (e.type === 'error') throw e.error;
}
const result = await evaluate(model, batches(0, 0, false), { numClasses: K });
console.log('confusion matrix (rows: true class):', JSON.stringify(result.confusion));
model.dispose();
