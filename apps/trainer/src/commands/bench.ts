import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { benchTorchReference, benchTrainingThroughput, type BenchResult, type TorchBenchResult } from '@skelnorm/trainer/node';
import { formatFlags, parseFlags } from '../args/flags.js';
import type { Command, CommandIO } from '../command.js';
import { writeFileAtomic } from '../run/run-folder.js';
import { chooseBackend } from '../training/backend-choice.js';

const PYTHON = '/usr/bin/python3';

const FLAGS = {
  workers: { type: 'int', description: 'worker replicas (0 = main thread with --backend)', min: 0, default: 2 },
  'batch-size': { type: 'int', description: 'batch size', min: 2, default: 64 },
  steps: { type: 'int', description: 'timed steps', min: 1, default: 10 },
  warmup: { type: 'int', description: 'untimed steps first', min: 0, default: 2 },
  backend: { type: 'choice', choices: ['auto', 'wasm', 'cpu'], description: 'backend of the workers and the main thread (default auto)' },
  threads: { type: 'int', description: 'PyTorch threads', min: 1, default: 2 },
  'no-torch': { type: 'boolean', description: 'skip the PyTorch reference' },
  out: { type: 'string', description: 'JSON file (default bench-results/bench-<time>.json)', placeholder: 'FILE' },
} as const;

const usage = `Usage: skelnorm bench [options]

Training throughput of the seed CNN (BatchNorm, dropout, Adam, batch 64, [2, 64, 25, 3] per sample,
60 classes) with data-parallel workers and, when \`${PYTHON} -c 'import torch'\` works, the same
model and step in PyTorch in the same run. Prints both and the ratio, writes JSON.

Options:
${formatFlags(FLAGS)}`;

async function torchAvailable(): Promise<boolean> {
  try {
    await promisify(execFile)(PYTHON, ['-c', 'import torch'], { timeout: 120_000 });
    return true;
  } catch {
    return false;
  }
}

export const command: Command = {
  name: 'bench',
  summary: 'training throughput of the seed CNN, against PyTorch when it is installed',
  usage,
  async run(args, io: CommandIO) {
    const { flags } = parseFlags(args, FLAGS);
    const prefer = flags.backend ?? 'auto';
    const backend = await chooseBackend(prefer, io);
    const common = { batchSize: flags['batch-size']!, steps: flags.steps!, warmupSteps: flags.warmup! };
    io.out(`skelnorm: seed CNN, batch ${common.batchSize}, ${flags.workers} workers, ${common.steps} steps after ${common.warmupSteps} warm-up...`);
    const ours: BenchResult = await benchTrainingThroughput({ workers: flags.workers!, ...common, backend: prefer });
    io.out(`skelnorm: ${ours.msPerStep.toFixed(0)} ms/step (median ${ours.medianMsPerStep.toFixed(0)}), ${ours.samplesPerSecond.toFixed(1)} samples/s, engine ${ours.engine}`);
    let torch: TorchBenchResult | undefined;
    let torchNote: string | undefined;
    if (flags['no-torch']) torchNote = 'skipped (--no-torch)';
    else if (!(await torchAvailable())) torchNote = `skipped: ${PYTHON} -c 'import torch' failed`;
    else torch = await benchTorchReference({ python: PYTHON, threads: flags.threads!, ...common });
    let ratio: number | undefined;
    if (torch) {
      ratio = torch.msPerStep / ours.msPerStep;
      io.out(`pytorch ${torch.torch}: ${torch.msPerStep.toFixed(0)} ms/step (median ${torch.medianMsPerStep.toFixed(0)}), ${torch.threads} threads`);
      io.out(`throughput skelnorm / pytorch: ${ratio.toFixed(2)}x`);
    } else {
      io.out(`pytorch: ${torchNote}`);
    }
    const out = flags.out ?? `bench-results/bench-${new Date().toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-')}.json`;
    await mkdir(dirname(out), { recursive: true });
    const json = { date: new Date().toISOString(), node: process.version, mainBackend: backend, skelnorm: ours, pytorch: torch ?? null, pytorchNote: torchNote ?? null, ratio: ratio ?? null };
    await writeFileAtomic(out, JSON.stringify(json, null, 2) + '\n');
    io.out(`wrote ${out}`);
    return 0;
  },
};
