import type { EvaluateResult } from './evaluate.js';
import type { OptimizerSpec } from './optim/optimizer.js';

/**
 * What `fit` reports, in order: one `start`; per step a `step`; per epoch an `epoch`, then
 * `eval` events (split `test`, and `train` when `data.trainEval` is given) and a `checkpoint`;
 * finally `done`, or `error` (after which the stream ends). Epochs are 0-based; `step` counts
 * the steps finished in the epoch (1 after its first); `globalStep` counts all optimizer steps.
 */
export type TrainEvent = StartEvent | StepEvent | EpochEvent | EvalEvent | CheckpointEvent | DoneEvent | ErrorEvent;

export interface StartEvent {
  readonly type: 'start';
  readonly epochs: number;
  /** Epoch training starts in (> 0 after a resume). */
  readonly epoch: number;
  /** Steps of `epoch` already done (a resume from a mid-epoch checkpoint skips them). */
  readonly step: number;
  readonly globalStep: number;
  readonly seed: number;
  /** Location of the checkpoint resumed from, if any. */
  readonly resumedFrom?: string;
  readonly numParameters: number;
  readonly optimizer: OptimizerSpec;
  /** Steps per epoch when known (option `stepsPerEpoch` or a `size` on the epoch's batches). */
  readonly stepsPerEpoch?: number;
  /** How gradients are computed, e.g. `local` or `workers x2 (wasm)`. */
  readonly engine: string;
}

export interface StepEvent {
  readonly type: 'step';
  readonly epoch: number;
  /** Steps finished in this epoch, 1-based. */
  readonly step: number;
  readonly globalStep: number;
  readonly stepsPerEpoch?: number;
  /** Mean training loss of the batch (before the update). */
  readonly loss: number;
  /** Fraction of the batch predicted correctly (train mode, before the update). */
  readonly accuracy: number;
  readonly batchSize: number;
  /** Learning rate used for this step. */
  readonly lr: number;
  /** Global L2 norm of the averaged gradient before clipping. */
  readonly gradNorm: number;
  /** Steps per second, averaged over this epoch so far (data loading included). */
  readonly stepsPerSecond: number;
  readonly samplesPerSecond: number;
}

export interface EpochEvent {
  readonly type: 'epoch';
  readonly epoch: number;
  readonly steps: number;
  readonly samples: number;
  /** Sample-weighted mean training loss over the epoch (train mode, as PyTorch logs it). */
  readonly loss: number;
  /** Running training accuracy over the epoch (train mode). */
  readonly accuracy: number;
  readonly lr: number;
  readonly seconds: number;
}

export interface EvalEvent {
  readonly type: 'eval';
  readonly epoch: number;
  readonly globalStep: number;
  /** `test` for `data.test`, `train` for `data.trainEval`. */
  readonly split: 'test' | 'train';
  readonly loss: number;
  readonly top1: number;
  readonly top5: number;
  /** Whether `recalibrate` ran before this evaluation. */
  readonly recalibrated: boolean;
  /** Everything `evaluate` measured (per-class accuracy, confusion matrix). */
  readonly result: EvaluateResult;
  readonly seconds: number;
}

export interface CheckpointEvent {
  readonly type: 'checkpoint';
  readonly epoch: number;
  readonly globalStep: number;
  /** Where the store put it (a file path for the file store). */
  readonly location: string;
  readonly seconds: number;
}

export interface DoneEvent {
  readonly type: 'done';
  readonly epochs: number;
  readonly globalStep: number;
  readonly seconds: number;
  /** The last `test` evaluation, if any. */
  readonly lastEval?: EvaluateResult;
}

export interface ErrorEvent {
  readonly type: 'error';
  readonly error: Error;
  /** Set when the NaN/Inf guard stopped training. */
  readonly nonFinite?: NonFiniteReport;
}

/** Where a loss or gradient went non-finite, from a diagnostic re-run of the batch. */
export interface NonFiniteReport {
  readonly epoch: number;
  /** Step of the epoch (1-based) whose batch failed; no update was applied for it. */
  readonly step: number;
  /** The failing step's global index (1-based, as `StepEvent.globalStep` would have been). */
  readonly globalStep: number;
  /** What was non-finite first: the loss, or (with a finite loss) a gradient. */
  readonly quantity: 'loss' | 'gradient';
  /** True when the input batch itself holds NaN/Inf. */
  readonly inputNonFinite: boolean;
  /**
   * Dotted path of the first module (in execution order) whose output held NaN/Inf, e.g.
   * `conv1.0`; `undefined` when every output was finite.
   */
  readonly layer?: string;
  /** Class name of that module, e.g. `Conv2d`. */
  readonly layerType?: string;
  /** First parameter whose gradient is non-finite (for `quantity: 'gradient'`). */
  readonly parameter?: string;
  /** Location of the last checkpoint written before the failure, if any. */
  readonly lastGoodCheckpoint?: string;
}
