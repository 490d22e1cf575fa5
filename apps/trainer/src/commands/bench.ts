import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchTrainingThroughput, type BenchResult } from '@skelnorm/trainer/node';
import { formatFlags, parseFlags } from '../args/flags.js';
import type { Command, CommandIO } from '../command.js';
import { writeFileAtomic } from '../run/run-folder.js';
import { chooseBackend } from '../training/backend-choice.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
/** Shipped beside dist/ (package "files"), resolved from this module so that it works from any cwd. */
const TORCH_SCRIPT = fileURLToPath(new URL('../../python/seed_cnn_bench.py', import.meta.url));

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

Training throughput of the seed CNN (BatchNorm, Adam, batch 64, T=64) with data-parallel workers,
and, when ${PYTHON} has torch, the same model and step in PyTorch in the same run. Writes JSON.

Options:
${formatFlags(FLAGS)}`;

export interface TorchReference {
  readonly framework: 'pytorch';
  readonly version: string;
  readonly threads: number;
  readonly msPerStep: number;
  readonly medianMsPerStep: number;
  readonly samplesPerSecond: number;
}

/** Runs the PyTorch reference; undefined (with the reason printed) when torch is not there. */
export async function torchReference(options: { threads: number; batchSize: number; steps: number; warmup: number }, io: CommandIO): Promise<TorchReference | undefined> {
  try {
    await run(PYTHON, ['-c', 'import torch'], { timeout: 60_000 });
  } catch {
    io.out(`pytorch: not available (${PYTHON} -c 'import torch' failed); skipping the reference`);
    return undefined;
  }
  const { stdout } = await run(
    PYTHON,
    [TORCH_SCRIPT, '--threads', String(options.threads), '--batch-size', String(options.batchSize), '--steps', String(options.steps), '--warmup', String(options.warmup)],
    { timeout: 600_000, env: { ...process.env, OMP_NUM_THREADS: String(options.threads) } },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as TorchReference;
}

export const command: Command = {
  name: 'bench',
  summary: 'training throughput of the seed CNN, against PyTorch when it is installed',
  usage,
  async run(args, io) {
    const { flags } = parseFlags(args, FLAGS);
    const prefer = flags.backend ?? 'auto';
    const backend = await chooseBackend(prefer, io);
    const common = { batchSize: flags['batch-size']!, steps: flags.steps!, warmup: flags.warmup! };
    io.out(`skelnorm: seed CNN, batch ${common.batchSize}, ${flags.workers} workers, ${common.steps} steps after ${common.warmup} warmup...`);
    const ours: BenchResult = await benchTrainingThroughput({
      workers: flags.workers!,
      batchSize: common.batchSize,
      steps: common.steps,
      warmupSteps: common.warmup,
      backend: prefer,
    });
    io.out(`skelnorm: ${ours.msPerStep.toFixed(0)} ms/step (median ${ours.medianMsPerStep.toFixed(0)}), ${ours.samplesPerSecond.toFixed(1)} samples/s (${ours.backend}, ${ours.workers} workers)`);
    const torch = flags['no-torch'] ? undefined : await torchReference({ threads: flags.threads!, ...common }, io);
    let ratio: number | undefined;
    if (torch) {
      ratio = torch.msPerStep / ours.msPerStep;
      io.out(`pytorch ${torch.version}: ${torch.msPerStep.toFixed(0)} ms/step (median ${torch.medianMsPerStep.toFixed(0)}), ${torch.samplesPerSecond.toFixed(1)} samples/s (${torch.threads} threads)`);
      io.out(`throughput ratio skelnorm/pytorch: ${ratio.toFixed(2)}x`);
    }
    const out = flags.out ?? `bench-results/bench-${new Date().toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-')}.json`;
    await mkdir(dirname(out), { recursive: true });
    await writeFileAtomic(
      out,
      JSON.stringify({ date: new Date().toISOString(), node: process.version, mainBackend: backend, skelnorm: ours, pytorch: torch ?? null, ratio: ratio ?? null }, null, 2) + '\n',
    );
    io.out(`wrote ${out}`);
    return 0;
  },
};
