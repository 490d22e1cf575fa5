import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { benchTorchReference, benchTrainingThroughput, median, type BenchResult, type TorchBenchResult } from '@skelnorm/trainer/node';
import { formatFlags, parseFlags } from '../args/flags.js';
import type { Command, CommandIO } from '../command.js';
import { writeFileAtomic } from '../run/run-folder.js';
import { assertFileOutputFree } from '../run/output-guard.js';
import { chooseBackend } from '../training/backend-choice.js';

const PYTHON = '/usr/bin/python3';

const FLAGS = {
  workers: { type: 'int', description: 'worker replicas (0 = main thread with --backend)', min: 0, default: 2 },
  'batch-size': { type: 'int', description: 'batch size', min: 2, default: 64 },
  steps: { type: 'int', description: 'timed steps', min: 1, default: 10 },
  warmup: { type: 'int', description: 'untimed steps first', min: 0, default: 2 },
  rounds: { type: 'int', description: 'rounds, each timing skelnorm then PyTorch, so both see the same machine; medians reported', min: 1, default: 3 },
  backend: { type: 'choice', choices: ['auto', 'wasm', 'cpu'], description: 'backend of the workers and the main thread (default auto)' },
  threads: { type: 'int', description: 'PyTorch threads', min: 1, default: 2 },
  'no-torch': { type: 'boolean', description: 'skip the PyTorch reference' },
  out: { type: 'string', description: 'JSON file (default bench-results/bench-<time>.json); an existing one is refused unless --force', placeholder: 'FILE' },
  force: { type: 'boolean', description: 'replace an existing --out file' },
} as const;

const usage = `Usage: skelnorm bench [options]

Training throughput of the seed CNN (BatchNorm, dropout, Adam, batch 64, [2, 64, 25, 3] per sample,
60 classes) with data-parallel workers and, when \`${PYTHON} -c 'import torch'\` works, the same
model and step in PyTorch in the same run, alternating round by round (a shared machine's speed
drifts by tens of percent within minutes). Prints each round, the medians and their ratio, writes JSON.

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
    if (flags.out) await assertFileOutputFree(flags.out, { force: flags.force });
    const prefer = flags.backend ?? 'auto';
    const backend = await chooseBackend(prefer, io);
    const common = { batchSize: flags['batch-size']!, steps: flags.steps!, warmupSteps: flags.warmup! };
    let torchNote: string | undefined;
    if (flags['no-torch']) torchNote = 'skipped (--no-torch)';
    else if (!(await torchAvailable())) torchNote = `skipped: ${PYTHON} -c 'import torch' failed`;
    io.out(`skelnorm: seed CNN, batch ${common.batchSize}, ${flags.workers} workers, ${common.steps} steps after ${common.warmupSteps} warm-up, ${flags.rounds} rounds...`);
    const rounds: { skelnorm: BenchResult; pytorch: TorchBenchResult | null }[] = [];
    for (let round = 1; round <= flags.rounds!; round++) {
      const ours = await benchTrainingThroughput({ workers: flags.workers!, ...common, backend: prefer });
      const torch = torchNote === undefined ? await benchTorchReference({ python: PYTHON, threads: flags.threads!, ...common }) : null;
      rounds.push({ skelnorm: ours, pytorch: torch });
      io.out(
        `round ${round}: skelnorm ${ours.msPerStep.toFixed(0)} ms/step (median ${ours.medianMsPerStep.toFixed(0)}, engine ${ours.engine})` +
          (torch ? `, pytorch ${torch.msPerStep.toFixed(0)} ms/step (median ${torch.medianMsPerStep.toFixed(0)}), ratio ${(torch.msPerStep / ours.msPerStep).toFixed(2)}x` : ''),
      );
    }
    const ours = rounds.map((r) => r.skelnorm);
    const torches = rounds.flatMap((r) => (r.pytorch ? [r.pytorch] : []));
    const oursMs = median(ours.map((r) => r.msPerStep));
    io.out(`skelnorm: ${oursMs.toFixed(0)} ms/step (median of ${ours.length} rounds), ${((common.batchSize * 1000) / oursMs).toFixed(1)} samples/s, engine ${ours[0]!.engine}`);
    let ratio: number | undefined;
    let torchMs: number | undefined;
    if (torches.length > 0) {
      torchMs = median(torches.map((r) => r.msPerStep));
      ratio = torchMs / oursMs;
      io.out(`pytorch ${torches[0]!.torch}: ${torchMs.toFixed(0)} ms/step (median of ${torches.length} rounds), ${torches[0]!.threads} threads`);
      io.out(`throughput skelnorm / pytorch: ${ratio.toFixed(2)}x`);
    } else {
      io.out(`pytorch: ${torchNote}`);
    }
    const out = flags.out ?? `bench-results/bench-${new Date().toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-')}.json`;
    await mkdir(dirname(out), { recursive: true });
    const json = {
      date: new Date().toISOString(), node: process.version, mainBackend: backend,
      skelnormMsPerStep: oursMs, pytorchMsPerStep: torchMs ?? null, ratio: ratio ?? null, pytorchNote: torchNote ?? null, rounds,
    };
    await writeFileAtomic(out, JSON.stringify(json, null, 2) + '\n');
    io.out(`wrote ${out}`);
    return 0;
  },
};
