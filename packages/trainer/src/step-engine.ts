import type { Module } from '@skelnorm/nn';
import type { Batch } from './batch.js';
import type { Optimizer, OptimizerSpec } from './optim/optimizer.js';

/** What one training step reports. */
export interface StepOutcome {
  /** Mean loss over the batch (all replicas' shares together). */
  readonly loss: number;
  /** Correct top-1 predictions in the batch. */
  readonly correct: number;
  /** Samples in the batch. */
  readonly count: number;
  /** Global L2 norm of the averaged gradient before clipping. */
  readonly gradNorm: number;
  /** False when the loss or a gradient was NaN/Inf; then no update was applied. */
  readonly finite: boolean;
  /** With `finite: false` and a finite loss: the first parameter whose gradient is non-finite. */
  readonly nonFiniteParameter?: string;
  /** Engine-specific breakdown of the step's time in ms (data-parallel: computeMs, syncMs, updateMs). */
  readonly timings?: Readonly<Record<string, number>>;
}

/** What an engine is built from. */
export interface StepEngineSetup {
  /** The main model; `pull` leaves the trained state here. */
  readonly model: Module;
  /** The main optimizer; `pull` leaves its state here. */
  readonly optimizer: Optimizer;
  readonly optimizerSpec: OptimizerSpec;
  /** Cross-entropy label smoothing. */
  readonly labelSmoothing: number;
  /** Gradient clipping by global norm; undefined = none. */
  readonly clipGradNorm?: number;
}

/**
 * How gradients are computed and applied: in this thread (`localStepEngine`) or across worker
 * replicas (`dataParallel` from `@skelnorm/trainer/node`). `fit` owns the engine and disposes it.
 */
export interface StepEngine {
  /** Human-readable, e.g. `local` or `workers x2 (wasm)`. */
  readonly description: string;
  /**
   * One step on `batch` with learning rate `lr`: forward in train mode, cross-entropy,
   * backward, gradients averaged over the batch, clipping, optimizer update; no update when
   * anything is non-finite. Does not dispose the batch.
   */
  step(batch: Batch, lr: number): Promise<StepOutcome>;
  /**
   * Brings the main model (and with `includeOptimizer` the main optimizer) up to date with the
   * engine: before evaluation, checkpoints, diagnosis and the end of the run.
   */
  pull(includeOptimizer?: boolean): Promise<void>;
  /**
   * Sends the main model's state, and unless `includeOptimizer` is false the main optimizer's, to
   * the engine: after a resume (both) or a recalibration (model only: the main optimizer may be stale).
   */
  push(includeOptimizer?: boolean): Promise<void>;
  /** Engine state that a checkpoint must keep (JSON), e.g. replicas' random generators. */
  getState?(): Promise<unknown>;
  /** Restores what `getState` returned. */
  setState?(state: unknown): Promise<void>;
  dispose(): Promise<void>;
}

/** Builds an engine for a run; `fit` calls it once. */
export type StepEngineFactory = (setup: StepEngineSetup) => Promise<StepEngine>;
