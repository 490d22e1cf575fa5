import type { Generator, Module } from '@skelnorm/nn';
import type { BatchStream } from './batch.js';
import type { CheckpointStore } from './checkpoint/checkpoint-store.js';
import type { LrScheduleSpec } from './optim/lr-schedule.js';
import type { OptimizerSpec } from './optim/optimizer.js';
import type { StepEngineFactory } from './step-engine.js';

/**
 * Re-estimates normalization statistics before an evaluation. Receives batches that `fit` owns
 * (each is disposed when the next is pulled).
 */
export type Recalibrator = (model: Module, batches: BatchStream) => Promise<unknown>;

/**
 * `true`: PreciseBN (`recalibrate` from `@skelnorm/norm`) over the calibration batches;
 * `{ maxBatches }`: the same over at most that many batches; a function: your own.
 */
export type RecalibrateSetting = boolean | { readonly maxBatches?: number } | Recalibrator;

/** Options of `fit`. Serializable except `checkpoint.store`, `engine`, `generators`, `recalibrate`, `signal`. */
export interface FitOptions {
  /** Epochs to train (in total, counting those before a resume). */
  readonly epochs: number;
  /** Default `{ name: 'sgd', lr: 0.01, momentum: 0.9 }`. */
  readonly optimizer?: OptimizerSpec;
  /** Default constant. */
  readonly schedule?: LrScheduleSpec;
  /** Cross-entropy label smoothing (PyTorch's `label_smoothing`). Default 0. */
  readonly labelSmoothing?: number;
  /** Clip gradients to this global L2 norm. Default: no clipping. */
  readonly clipGradNorm?: number;
  /** Seeds the per-epoch data order (`epochSeed(seed, epoch)`); stored in checkpoints. Default 0. */
  readonly seed?: number;
  /** Classes, for per-class accuracy and the confusion matrix. Default: the logits' width. */
  readonly numClasses?: number;
  /** Evaluate every this many epochs (and after the last). Default 1. 0 = only after the last. */
  readonly evalEvery?: number;
  /**
   * Recalibrate normalization statistics before each evaluation, on `data.calibration(epoch)`
   * (default: the epoch's training batches). The new statistics stay in the model (and in the
   * checkpoint that follows). Default: none.
   */
  readonly recalibrate?: RecalibrateSetting;
  /** Where and how often to write checkpoints. Default: none. */
  readonly checkpoint?: CheckpointOptions;
  /**
   * Continue from a checkpoint: its bytes, or `'latest'` for the newest in `checkpoint.store`
   * (a fresh start when the store is empty). The model must have the same architecture.
   */
  readonly resume?: 'latest' | Uint8Array;
  /** How steps run. Default: `localStepEngine` (this thread). */
  readonly engine?: StepEngineFactory;
  /**
   * Generators whose state goes into checkpoints besides those found automatically: nn's
   * `defaultGenerator` (`default`) and every `Generator` held by a module of the model
   * (`<path>#<field>`). Name here any other the run draws from (e.g. augmentation).
   */
  readonly generators?: Readonly<Record<string, Generator>>;
  /** Stop with an `error` event when a loss or gradient goes NaN/Inf. Default true. */
  readonly nonFiniteGuard?: boolean;
  /** Steps per epoch for progress/ETA when the batches carry no `size`. */
  readonly stepsPerEpoch?: number;
  /** Aborting stops training after the current step, like breaking out of the loop. */
  readonly signal?: AbortSignal;
}

export interface CheckpointOptions {
  readonly store: CheckpointStore;
  /** Write after every this many epochs (and after the last). Default 1. */
  readonly everyEpochs?: number;
  /** Also write every this many optimizer steps (mid-epoch). Default: never. */
  readonly everySteps?: number;
  /** The caller's run configuration (JSON-serializable), saved in every checkpoint. */
  readonly config?: unknown;
}

export const FIT_DEFAULTS = {
  optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 } as OptimizerSpec,
  labelSmoothing: 0,
  seed: 0,
  evalEvery: 1,
  nonFiniteGuard: true,
} as const;
