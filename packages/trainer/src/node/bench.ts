import { spawn } from 'node:child_process';
import { median } from '../median.js';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '@skelnorm/nn';
import { localStepEngine } from '../local-step-engine.js';
import { createOptimizer } from '../optim/create-optimizer.js';
import type { OptimizerSpec } from '../optim/optimizer.js';
import type { StepEngineFactory } from '../step-engine.js';
import { dataParallel, type ModelSpec } from './data-parallel.js';

export interface BenchOptions {
  /** Worker replicas; 0 = in this thread on the current backend (set one up first). Default 2. */
  readonly workers?: number;
  /** Default 64. */
  readonly batchSize?: number;
  /** Timed steps. Default 10. */
  readonly steps?: number;
  /** Untimed steps first (kernel warm-up, allocation). Default 2. */
  readonly warmupSteps?: number;
  /** Default `{ name: 'seed-cnn' }` (BatchNorm, dropout 0.5, T = 64, 60 classes: the PyTorch reference's model). */
  readonly model?: ModelSpec;
  /** Input [M, T, V, C] per sample. Default [2, 64, 25, 3]. */
  readonly inputShape?: readonly [number, number, number, number];
  /** Classes of the random labels. Default 60. */
  readonly numClasses?: number;
  /** Worker backend. Default `auto` (wasm, else cpu). */
  readonly backend?: 'auto' | 'wasm' | 'cpu';
}

export interface BenchResult {
  readonly model: string;
  readonly workers: number;
  /** e.g. `workers x2 (wasm)` or `local`. */
  readonly engine: string;
  readonly batchSize: number;
  readonly steps: number;
  /** Mean milliseconds per training step: batch hand-off, forward, backward, all-reduce, Adam update. */
  readonly msPerStep: number;
  readonly medianMsPerStep: number;
  readonly samplesPerSecond: number;
  /** Milliseconds to start the workers and copy the weights (not in msPerStep). */
  readonly setupMs: number;
  /** Mean of the engine's per-step breakdown (data-parallel: computeMs, syncMs, updateMs of rank 0). */
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * Training throughput of a model (default the seed CNN) on random batches, with Adam (lr 1e-3)
 * as in `scripts/torch-bench.py`, the PyTorch reference ({@link benchTorchReference}).
 * With `workers >= 1` the steps run through {@link dataParallel}; the main thread needs a tfjs
 * backend only to hold the model (set one up first, e.g. `setupBackend` from @skelnorm/backends).
 *
 * @example
 * const ours = await benchTrainingThroughput({ workers: 2, batchSize: 64, steps: 10 });
 * const torch = await benchTorchReference({ threads: 2, batchSize: 64, steps: 10 });
 * console.log(ours.msPerStep, torch.msPerStep, torch.msPerStep / ours.msPerStep); // ratio: 1 = parity
 */
export async function benchTrainingThroughput(options: BenchOptions = {}): Promise<BenchResult> {
  const workers = options.workers ?? 2;
  const batchSize = options.batchSize ?? 64;
  const steps = options.steps ?? 10;
  const warmup = options.warmupSteps ?? 2;
  const spec: ModelSpec = options.model ?? { name: 'seed-cnn' };
  const [m, t, v, c] = options.inputShape ?? [2, 64, 25, 3];
  const numClasses = options.numClasses ?? 60;
  const optimizerSpec: OptimizerSpec = { name: 'adam', lr: 1e-3 };
  const setupStart = performance.now();
  const model = await buildModel(spec);
  const optimizer = createOptimizer(model.namedParameters(), optimizerSpec);
  const factory: StepEngineFactory = workers === 0 ? localStepEngine() : dataParallel({ workers, model: spec, backend: options.backend ?? 'auto' });
  const engine = await factory({ model, optimizer, optimizerSpec, labelSmoothing: 0 });
  const setupMs = performance.now() - setupStart;
  const times: number[] = [];
  const breakdown: Record<string, number> = {};
  try {
    for (let i = 0; i < warmup + steps; i++) {
      const x = tf.randomUniform([batchSize, m, t, v, c], -1, 1, 'float32', i);
      const y = tf.randomUniform([batchSize], 0, numClasses, 'int32', 1000 + i);
      const t0 = performance.now();
      let timings: Readonly<Record<string, number>> | undefined;
      try {
        timings = (await engine.step({ x, y }, optimizerSpec.lr)).timings;
      } finally {
        tf.dispose([x, y]);
      }
      if (i < warmup) continue;
      times.push(performance.now() - t0);
      for (const [k, v] of Object.entries(timings ?? {})) breakdown[k] = (breakdown[k] ?? 0) + v / steps;
    }
  } finally {
    await engine.dispose();
    optimizer.dispose();
    model.dispose();
  }
  const msPerStep = times.reduce((a, b) => a + b, 0) / Math.max(times.length, 1);
  return {
    model: spec.name, workers, engine: engine.description, batchSize, steps,
    msPerStep, medianMsPerStep: median(times), samplesPerSecond: (batchSize * 1000) / msPerStep, setupMs, timings: breakdown,
  };
}

export interface TorchBenchOptions {
  /** Python with PyTorch. Default `python3` (Debian's python3-torch lives in /usr/bin/python3). */
  readonly python?: string;
  /** torch.set_num_threads. Default 2. */
  readonly threads?: number;
  readonly batchSize?: number;
  readonly steps?: number;
  readonly warmupSteps?: number;
}

export interface TorchBenchResult {
  readonly msPerStep: number;
  readonly medianMsPerStep: number;
  readonly threads: number;
  readonly batchSize: number;
  readonly steps: number;
  /** PyTorch's version string. */
  readonly torch: string;
}

/**
 * Runs `scripts/torch-bench.py` (the seed CNN's PyTorch training step, same model, batch and
 * optimizer as {@link benchTrainingThroughput}'s default) and returns its timing. Rejects with
 * the script's error output when Python or PyTorch is missing.
 */
export function benchTorchReference(options: TorchBenchOptions = {}): Promise<TorchBenchResult> {
  const script = fileURLToPath(new URL('../../scripts/torch-bench.py', import.meta.url));
  const args = [
    script, '--threads', String(options.threads ?? 2), '--batch', String(options.batchSize ?? 64),
    '--steps', String(options.steps ?? 10), '--warmup', String(options.warmupSteps ?? 2),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(options.python ?? 'python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`torch-bench.py exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as TorchBenchResult);
      } catch {
        reject(new Error(`torch-bench.py printed no result: ${out.slice(-500)}`));
      }
    });
  });
}

async function buildModel(spec: ModelSpec): Promise<Module> {
  const specifier = spec.module ?? '@skelnorm/models';
  const factory = (await import(specifier)) as { createModel?: (name: string, options?: Record<string, unknown>) => Module };
  if (typeof factory.createModel !== 'function') throw new Error(`bench: '${specifier}' exports no createModel(name, options)`);
  return factory.createModel(spec.name, { ...spec.options });
}

export { median };
