// Training throughput of every model of the zoo on one backend (default wasm), and for the seed
// CNN the ratio to PyTorch's same step run in this process's machine at the same time.
// Run: `npm run bench` in packages/models (run.mjs bundles this file, then runs it in Node).
// Flags: --backend wasm|cpu|..., --seconds 10 (per model), --max-steps 20, --paper (also the
// paper-width ST-GCN: minutes per run), --only SUBSTRING (cases whose id contains it), --no-torch, --out FILE (default <repo>/bench-results/models.json).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, type BackendPreference } from '@skelnorm/backends';
import { crossEntropy } from '@skelnorm/nn';
import { createModel, type ModelName } from '@skelnorm/models';

interface Case {
  id: string;
  model: ModelName;
  options: Record<string, unknown>;
  batch: number;
  frames: number;
}

const CASES: Case[] = [
  { id: 'seed-cnn (seed: batch norm, per-person, momentum 0.01)', model: 'seed-cnn', options: { norm: 'batch', personMode: 'per-person', bnMomentum: 0.01 }, batch: 32, frames: 64 },
  { id: 'seed-cnn (batch norm, folded)', model: 'seed-cnn', options: { norm: 'batch', personMode: 'folded' }, batch: 32, frames: 64 },
  { id: 'seed-cnn (no norm)', model: 'seed-cnn', options: { norm: 'none', personMode: 'folded' }, batch: 32, frames: 64 },
  { id: 'hcn', model: 'hcn', options: {}, batch: 32, frames: 64 },
  { id: 'stgcn (small)', model: 'stgcn', options: { width: 'small' }, batch: 16, frames: 64 },
  // Batch 4: at batch 16 the saved activations outgrow wasm's 4 GiB heap ('table index is out of bounds').
  { id: 'stgcn (paper)', model: 'stgcn', options: { width: 'paper' }, batch: 4, frames: 64 },
];

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    seconds: { type: 'string', default: '10' },
    'max-steps': { type: 'string', default: '20' },
    paper: { type: 'boolean', default: false },
    only: { type: 'string' },
    torch: { type: 'boolean', default: true },
    'no-torch': { type: 'boolean', default: false },
    out: { type: 'string' },
    'torch-script': { type: 'string', default: '../trainer/scripts/torch-bench.py' },
  },
});

async function measure(c: Case, seconds: number, maxSteps: number) {
  const model = createModel(c.model, c.options);
  const x = tf.randomNormal([c.batch, 2, c.frames, 25, 3], 0, 1, 'float32', 1);
  const labels = tf.tensor1d(Array.from({ length: c.batch }, (_, i) => (i * 7) % 60), 'int32');
  const optimizer = tf.train.adam(1e-3);
  const step = async () => {
    const loss = optimizer.minimize(() => crossEntropy(model.call(x), labels), true, model.parameters());
    await loss!.data();
    loss!.dispose();
  };
  for (let i = 0; i < 2; i++) await step(); // warm-up: kernels, optimizer slots
  let steps = 0;
  const start = performance.now();
  while (steps < 3 || (steps < maxSteps && performance.now() - start < seconds * 1000)) {
    await step();
    steps++;
  }
  const ms = (performance.now() - start) / steps;
  const result = {
    id: c.id, model: c.model, options: c.options, batch: c.batch, frames: c.frames,
    parameters: model.numParameters(), steps, msPerStep: round(ms), stepsPerSecond: round(1000 / ms, 3), samplesPerSecond: round((1000 * c.batch) / ms, 1),
  };
  tf.dispose([x, labels]);
  optimizer.dispose();
  model.dispose();
  return result;
}

function torchStep(threads: number, seconds: number, maxSteps: number): Record<string, number | string> | { error: string } {
  const script = args['torch-script'];
  // The trainer's PyTorch reference (the seed CNN with BatchNorm, Adam) serves every bench.
  const steps = Math.max(3, Math.min(maxSteps, Math.round(seconds)));
  const run = spawnSync('/usr/bin/python3', [script, '--batch', '32', '--threads', String(threads), '--steps', String(steps), '--warmup', '2'], { encoding: 'utf8' });
  if (run.status !== 0) return { error: (run.stderr || run.error?.message || 'python3 failed').trim().split('\n').slice(-1)[0] ?? 'python3 failed' };
  const result = JSON.parse(run.stdout.trim().split('\n').slice(-1)[0] ?? '{}') as Record<string, number | string>;
  return { ...result, stepsPerSecond: 1000 / Number(result['msPerStep']) };
}

const round = (v: number, digits = 1) => Number(v.toFixed(digits));

async function main() {
  const seconds = Number(args.seconds);
  const maxSteps = Number(args['max-steps']);
  const choice = await setupBackend({ prefer: args.backend as BackendPreference });
  console.log(`backend: ${choice.name} (${choice.reason})`);
  const results = [];
  for (const c of CASES) {
    if (args.only !== undefined ? !c.id.includes(args.only) : c.id === 'stgcn (paper)' && !args.paper) continue;
    const r = await measure(c, seconds, maxSteps);
    console.log(`${r.id.padEnd(56)} batch ${String(r.batch).padStart(2)}  ${String(r.msPerStep).padStart(8)} ms/step  ${r.stepsPerSecond} steps/s  ${r.samplesPerSecond} samples/s  (${r.parameters.toLocaleString('en')} params)`);
    results.push(r);
  }
  const torch: Record<string, unknown> = {};
  const seed = results.find((r) => r.id === CASES[0]!.id);
  if (seed && args.torch && !args['no-torch']) {
    for (const threads of [1, 2]) {
      const t = torchStep(threads, seconds, maxSteps);
      if ('error' in t) {
        console.log(`PyTorch (${threads} thread${threads > 1 ? 's' : ''}): not run: ${t.error}`);
        torch[`threads${threads}`] = t;
        continue;
      }
      const ratio = round(seed.stepsPerSecond / Number(t['stepsPerSecond']), 3);
      console.log(`PyTorch ${t['torch']} seed-cnn, ${threads} thread${threads > 1 ? 's' : ''}: ${round(Number(t['msPerStep']))} ms/step -> tfjs/PyTorch throughput ratio ${ratio}`);
      torch[`threads${threads}`] = { ...t, ratio };
    }
  }
  const out = args.out ?? join(process.cwd(), 'bench-results', 'models.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), backend: choice.name, reason: choice.reason, node: process.version, results, pytorch: torch }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
