import { median } from '../median.js';
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '@skelnorm/nn';
import { localStepEngine } from '../local-step-engine.js';
import { createOptimizer } from '../optim/create-optimizer.js';
import type { OptimizerSpec } from '../optim/optimizer.js';
import type { StepEngineFactory } from '../step-engine.js';
import { dataParallel, type ModelSpec } from './data-parallel.js';
import { profileKernels, type KernelTime } from './kernel-profile.js';

export interface BenchOptions {
  /** Worker replicas; 0 = in this thread on the current backend (set one up first). Default 2. */
  readonly workers?: number;
  /** Default 64. */
  readonly batchSize?: number;
  /** Timed steps. Default 10. */
  readonly steps?: number;
  /** Untimed steps first (kernel warm-up, allocation). Default 2. */
  readonly warmupSteps?: number;
  /**
   * Default: the seed CNN as the PyTorch anchor (`scripts/torch_seed_cnn_step.py`) defines it:
   * BatchNorm with momentum 0.01, one call of the shared stack per person, dropout 0.5, T = 64,
   * 60 classes, person-sparse execution on.
   */
  readonly model?: ModelSpec;
  /** Input [M, T, V, C] per sample. Default [2, 64, 25, 3]. */
  readonly inputShape?: readonly [number, number, number, number];
  /** Classes of the random labels. Default 60. */
  readonly numClasses?: number;
  /**
   * NTU-like batches: sample n has all its persons only when n % twoPersonEvery == 0; in the others
   * every person slot but the first is all zeros (absent), as in NTU-60, where about 5 samples in 6
   * have one person. Default 6, as the anchor; 1 = every person present.
   */
  readonly twoPersonEvery?: number;
  /** Time every kernel of the timed steps (`workers: 0` only: kernels of this thread). Default false. */
  readonly profile?: boolean;
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
  /**
   * Median CPU time of this process per timed step (every thread: main and workers), in ms. Less
   * disturbed than wall time by other load on a shared machine: what the step costs, not how long it waited.
   */
  readonly medianCpuMsPerStep: number;
  /** Milliseconds to start the workers and copy the weights (not in msPerStep). */
  readonly setupMs: number;
  /** Mean of the engine's per-step breakdown (data-parallel: computeMs, syncMs, updateMs of rank 0). */
  readonly timings: Readonly<Record<string, number>>;
  /** With `profile`: exclusive time per kernel and step, slowest first. */
  readonly kernels?: readonly KernelTime[];
}

/** The seed CNN as the PyTorch anchor trains it (see {@link BenchOptions.model}). */
export const ANCHOR_SEED_CNN: ModelSpec = { name: 'seed-cnn', options: { personMode: 'per-person', bnMomentum: 0.01, personSparse: true } };

/**
 * Training throughput of a model (default the seed CNN) on random NTU-like batches, with Adam
 * (lr 1e-3) as in `scripts/torch_seed_cnn_step.py`, the PyTorch anchor ({@link runTorchAnchor}).
 * With `workers >= 1` the steps run through {@link dataParallel}; the main thread needs a tfjs
 * backend only to hold the model (set one up first, e.g. `setupBackend` from @skelnorm/backends).
 *
 * @example
 * const ours = await benchTrainingThroughput({ workers: 2, batchSize: 64, steps: 10 });
 * const torch = await runTorchAnchor({ threads: 2, batchSize: 64, steps: 10 });
 * console.log(ours.medianMsPerStep, torch.medianMsPerStep / ours.medianMsPerStep); // ratio: 1 = parity
 */
export async function benchTrainingThroughput(options: BenchOptions = {}): Promise<BenchResult> {
  const workers = options.workers ?? 2;
  const batchSize = options.batchSize ?? 64;
  const steps = options.steps ?? 10;
  const warmup = options.warmupSteps ?? 2;
  const spec: ModelSpec = options.model ?? ANCHOR_SEED_CNN;
  const twoPersonEvery = options.twoPersonEvery ?? 6;
  const [m, t, v, c] = options.inputShape ?? [2, 64, 25, 3];
  const numClasses = options.numClasses ?? 60;
  const optimizerSpec: OptimizerSpec = { name: 'adam', lr: 1e-3 };
  // Before anything is built: a refusal after the workers start would leak them.
  if (options.profile && workers !== 0) throw new Error('bench: profile times the kernels of this thread and needs workers: 0');
  const setupStart = performance.now();
  const model = await buildModel(spec);
  const optimizer = createOptimizer(model.namedParameters(), optimizerSpec);
  const factory: StepEngineFactory = workers === 0 ? localStepEngine() : dataParallel({ workers, model: spec, backend: options.backend ?? 'auto' });
  const engine = await factory({ model, optimizer, optimizerSpec, labelSmoothing: 0 });
  const setupMs = performance.now() - setupStart;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const breakdown: Record<string, number> = {};
  let profiler: ReturnType<typeof profileKernels> | undefined;
  let kernels: KernelTime[] | undefined;
  try {
    for (let i = 0; i < warmup + steps; i++) {
      if (options.profile && i === warmup) profiler = profileKernels();
      const x = ntuLikeBatch([batchSize, m, t, v, c], twoPersonEvery, i);
      const y = tf.randomUniform([batchSize], 0, numClasses, 'int32', 1000 + i);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let timings: Readonly<Record<string, number>> | undefined;
      try {
        timings = (await engine.step({ x, y }, optimizerSpec.lr)).timings;
      } finally {
        tf.dispose([x, y]);
      }
      if (i < warmup) continue;
      times.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      for (const [k, v] of Object.entries(timings ?? {})) breakdown[k] = (breakdown[k] ?? 0) + v / steps;
    }
  } finally {
    kernels = profiler?.stop(steps);
    await engine.dispose();
    optimizer.dispose();
    model.dispose();
  }
  const msPerStep = times.reduce((a, b) => a + b, 0) / Math.max(times.length, 1);
  return {
    model: spec.name, workers, engine: engine.description, batchSize, steps,
    msPerStep, medianMsPerStep: median(times), samplesPerSecond: (batchSize * 1000) / msPerStep, medianCpuMsPerStep: median(cpuTimes), setupMs, timings: breakdown,
    ...(kernels ? { kernels } : {}),
  };
}

/** Uniform values in [-1, 1) with every person but the first zeroed unless n % twoPersonEvery == 0. */
function ntuLikeBatch(shape: [number, number, number, number, number], twoPersonEvery: number, seed: number): tf.Tensor {
  const [n, m] = shape;
  const keep = new Float32Array(n * m).map((_, i) => (i % m === 0 || Math.floor(i / m) % twoPersonEvery === 0 ? 1 : 0));
  return tf.tidy(() => tf.mul(tf.randomUniform(shape, -1, 1, 'float32', seed), tf.tensor(keep, [n, m, 1, 1, 1])));
}

async function buildModel(spec: ModelSpec): Promise<Module> {
  const specifier = spec.module ?? '@skelnorm/models';
  const factory = (await import(specifier)) as { createModel?: (name: string, options?: Record<string, unknown>) => Module };
  if (typeof factory.createModel !== 'function') throw new Error(`bench: '${specifier}' exports no createModel(name, options)`);
  return factory.createModel(spec.name, { ...spec.options });
}

