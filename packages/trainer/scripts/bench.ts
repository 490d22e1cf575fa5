// Seed-CNN training throughput: @skelnorm/trainer with 1 and 2 workers and PyTorch (2 threads),
// alternating round by round so that all see the same machine (a shared VM's speed drifts by tens
// of percent within minutes); medians over rounds. From the package:
// `npm run bench [-- --steps 6 --batch 64 --rounds 3 --workers 1,2]`; writes bench-results/trainer.json.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { setupBackend } from '@skelnorm/backends';
import { benchTorchReference, benchTrainingThroughput, median } from '@skelnorm/trainer/node';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? String(process.argv[i + 1]) : fallback;
};
const batchSize = Number(arg('batch', '64'));
const steps = Number(arg('steps', '6'));
const rounds = Number(arg('rounds', '3'));
const workerCounts = arg('workers', '1,2').split(',').map(Number);

const main = await setupBackend({ prefer: 'wasm' });
console.log(`main thread backend: ${main.name}; batch ${batchSize}, ${steps} steps, ${rounds} rounds`);
const times: Record<string, number[]> = {};
const record = (key: string, ms: number) => (times[key] ??= []).push(ms);
for (let round = 1; round <= rounds; round++) {
  const line: string[] = [];
  for (const workers of workerCounts) {
    const r = await benchTrainingThroughput({ workers, batchSize, steps });
    record(r.engine, r.msPerStep);
    const parts = Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
    line.push(`${r.engine} ${r.msPerStep.toFixed(0)} ms${parts ? ` [rank 0: ${parts}]` : ''}`);
  }
  try {
    const torch = await benchTorchReference({ python: process.env['PYTHON'] ?? '/usr/bin/python3', threads: 2, batchSize, steps });
    record('pytorch (2 threads)', torch.msPerStep);
    line.push(`pytorch ${torch.torch} (2 threads) ${torch.msPerStep.toFixed(0)} ms`);
  } catch (error) {
    line.push(`pytorch skipped: ${(error as Error).message}`);
  }
  console.log(`round ${round}: ${line.join('; ')}`);
}
const torchMs = times['pytorch (2 threads)'] ? median(times['pytorch (2 threads)']) : undefined;
const summary = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, { msPerStep: median(v), rounds: v, vsPytorch: torchMs ? torchMs / median(v) : null }]));
for (const [k, v] of Object.entries(summary)) {
  console.log(`${k.padEnd(22)} ${v.msPerStep.toFixed(0).padStart(6)} ms/step (median of ${v.rounds.length})${v.vsPytorch ? `, ${v.vsPytorch.toFixed(2)}x PyTorch throughput` : ''}`);
}
await mkdir('bench-results', { recursive: true });
await writeFile('bench-results/trainer.json.tmp', JSON.stringify({ date: new Date().toISOString(), batchSize, steps, summary }, null, 2) + '\n');
await rename('bench-results/trainer.json.tmp', 'bench-results/trainer.json');
console.log('wrote bench-results/trainer.json');
