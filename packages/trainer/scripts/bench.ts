// Seed-CNN training throughput: PyTorch (2 threads) and @skelnorm/trainer with 1 and 2 workers,
// in one run on the same machine. From the package: `npm run bench [-- --steps 10 --batch 64]`.
import { setupBackend } from '@skelnorm/backends';
import { benchTorchReference, benchTrainingThroughput } from '@skelnorm/trainer/node';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const batchSize = arg('batch', 64);
const steps = arg('steps', 10);
const workerCounts = (process.argv.includes('--workers') ? String(process.argv[process.argv.indexOf('--workers') + 1]) : '1,2').split(',').map(Number);

const main = await setupBackend({ prefer: 'wasm' });
console.log(`main thread backend: ${main.name}`);
let torchMs: number | undefined;
try {
  const torch = await benchTorchReference({ python: process.env['PYTHON'] ?? '/usr/bin/python3', threads: 2, batchSize, steps });
  torchMs = torch.msPerStep;
  console.log(`pytorch ${torch.torch} (2 threads): ${torch.msPerStep.toFixed(0)} ms/step (median ${torch.medianMsPerStep.toFixed(0)})`);
} catch (error) {
  console.log(`pytorch reference skipped: ${(error as Error).message}`);
}
for (const workers of workerCounts) {
  const r = await benchTrainingThroughput({ workers, batchSize, steps });
  const ratio = torchMs === undefined ? '' : `, ${(torchMs / r.msPerStep).toFixed(2)}x PyTorch`;
  const parts = Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
  console.log(`${r.engine}: ${r.msPerStep.toFixed(0)} ms/step (median ${r.medianMsPerStep.toFixed(0)}), ${r.samplesPerSecond.toFixed(0)} samples/s${ratio}${parts ? ` [rank 0: ${parts}]` : ''}`);
}
