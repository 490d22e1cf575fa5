// The seed CNN's training step (batch 64, two persons through a shared conv stack, Adam) on
// every tfjs backend that loads here and in PyTorch, each in its own child process.
import { median } from '@skelnorm/trainer';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { dawnSwiftShaderEnv } from '@skelnorm/backends/node';
import type { BenchModule, BenchOptions, BenchRow } from '../bench-module.js';
import { makeSeedCnnData, writeSeedCnnData } from '../seed-cnn/seed-cnn-data.js';
import type { SeedCnnWorkerOutput } from '../seed-cnn/seed-cnn-worker.js';

const run = promisify(execFile);
const BENCH = 'seed-cnn-training';
const worker = fileURLToPath(new URL('../seed-cnn/seed-cnn-worker.ts', import.meta.url));
const torchScript = fileURLToPath(new URL('../seed-cnn/seed_cnn_torch.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** tfjs variants in the order they are measured, with their step budget (cpu and SwiftShader are slow). */
const TFJS_RUNNERS: readonly { variant: string; steps: (o: BenchOptions) => number; warmup: (o: BenchOptions) => number }[] = [
  { variant: 'node-gpu', steps: (o) => o.steps, warmup: (o) => o.warmup },
  { variant: 'node', steps: (o) => o.steps, warmup: (o) => o.warmup },
  { variant: 'node-webgpu', steps: () => 1, warmup: () => 1 },
  { variant: 'wasm', steps: (o) => o.steps, warmup: (o) => o.warmup },
  { variant: 'wasm-shipped', steps: (o) => Math.min(o.steps, 3), warmup: () => 1 },
  { variant: 'cpu', steps: () => 1, warmup: () => 0 },
];


function row(runner: string, backend: string, stepMs: readonly number[], firstLoss: number | null, note: string): BenchRow {
  const ms = stepMs.length > 0 ? median(stepMs) : null;
  return { bench: BENCH, runner, backend, steps: stepMs.length, msPerStep: ms, stepsPerSecond: ms === null ? null : 1000 / ms, vsPyTorch: null, firstLoss, note };
}

const firstLine = (error: unknown): string => {
  const e = error as { stderr?: string; message?: string };
  const lines = `${e.stderr ?? ''}\n${e.message ?? String(error)}`.split('\n').map((l) => l.trim());
  return lines.find((l) => /^\w*Error: /.test(l)) ?? lines.find(Boolean) ?? 'failed';
};

async function runTfjs(variant: string, warmup: number, steps: number, dataDir: string, options: BenchOptions): Promise<BenchRow> {
  let env: Record<string, string | undefined> = process.env;
  if (variant === 'node-webgpu') {
    const swiftShader = dawnSwiftShaderEnv();
    // Real GPUs need no help; without one, SwiftShader (Chromium's CPU Vulkan) is what there is.
    if (swiftShader.ok && process.env['VK_ICD_FILENAMES'] === undefined) env = swiftShader.env;
  }
  try {
    const { stdout } = await run(process.execPath, ['--conditions=source', '--import', import.meta.resolve('tsx'), worker, variant, dataDir, String(warmup), String(steps)], {
      env,
      maxBuffer: 1 << 20,
      timeout: 30 * 60_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as SeedCnnWorkerOutput;
    if ('unavailable' in result) {
      options.log(`  ${variant}: unavailable (${result.unavailable.replace(/^setupBackend: /, '')})`);
      return row(variant, '-', [], null, `unavailable: ${result.unavailable.replace(/^.*?\)\. /, '')}`);
    }
    return row(variant, result.backend, result.stepMs, result.losses[0] ?? null, result.reason);
  } catch (error) {
    options.log(`  ${variant}: failed (${firstLine(error)})`);
    return row(variant, '-', [], null, `failed: ${firstLine(error)}`);
  }
}

async function runTorch(warmup: number, steps: number, dataDir: string, options: BenchOptions): Promise<BenchRow> {
  try {
    await run(PYTHON, ['-c', 'import torch']);
  } catch {
    return row('pytorch', '-', [], null, `skipped: ${PYTHON} -c 'import torch' failed (Debian: apt install python3-torch)`);
  }
  try {
    const { stdout } = await run(PYTHON, [torchScript, dataDir, String(warmup), String(steps), String(options.torchThreads)], { maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { torch: string; threads: number; losses: number[]; stepMs: number[] };
    return row('pytorch', `torch ${result.torch}`, result.stepMs, result.losses[0] ?? null, `${result.threads} threads, NCHW`);
  } catch (error) {
    return row('pytorch', '-', [], null, `failed: ${firstLine(error)}`);
  }
}

export const seedCnnTraining: BenchModule = {
  name: BENCH,
  description: 'seed CNN training step: [64,64,25,3] x 2 persons, conv 32/64/128 + pool, max-merge, fc 512/60, Adam',
  async run(options) {
    const dataDir = `${options.scratchDir}/seed-cnn`;
    writeSeedCnnData(makeSeedCnnData(), dataDir);
    const wanted = (runner: string) => options.runners === undefined || options.runners.includes(runner);
    const rows: BenchRow[] = [];
    if (wanted('pytorch')) {
      options.log('  pytorch ...');
      rows.push(await runTorch(options.warmup, options.steps, dataDir, options));
    }
    for (const r of TFJS_RUNNERS.filter((t) => wanted(t.variant))) {
      options.log(`  ${r.variant} ...`);
      rows.push(await runTfjs(r.variant, r.warmup(options), r.steps(options), dataDir, options));
    }
    const torchMs = rows.find((r) => r.runner === 'pytorch')?.msPerStep ?? null;
    return rows.map((r) => ({ ...r, vsPyTorch: r.msPerStep !== null && torchMs !== null ? r.msPerStep / torchMs : null }));
  },
};
