// Training: fit as a stream of typed events, evaluate, step engines.
export { fit } from './fit.js';
export { FIT_DEFAULTS } from './fit-options.js';
export type { FitOptions, CheckpointOptions, Recalibrator, RecalibrateSetting } from './fit-options.js';
export type {
  TrainEvent,
  StartEvent,
  StepEvent,
  EpochEvent,
  EvalEvent,
  CheckpointEvent,
  DoneEvent,
  ErrorEvent,
  NonFiniteReport,
} from './events.js';
export { evaluate } from './evaluate.js';
export { averageClipLogits } from './clip-average.js';
export type { EvaluateOptions, EvaluateResult } from './evaluate.js';
export { epochSeed, epochsOf, disposeBatch } from './batch.js';
export type { Batch, BatchStream, EpochBatches, FitData } from './batch.js';
export { localStepEngine } from './local-step-engine.js';
export type { StepEngine, StepEngineFactory, StepEngineSetup, StepOutcome } from './step-engine.js';
export { findNonFiniteLayer } from './non-finite.js';
export type { NonFiniteLayer } from './non-finite.js';

// Optimizers and schedules (PyTorch semantics).
export { Optimizer } from './optim/optimizer.js';
export type { OptimizerSpec, SgdSpec, AdamSpec, AdamWSpec, OptimizerState } from './optim/optimizer.js';
export { SGD } from './optim/sgd.js';
export { Adam, AdamW } from './optim/adam.js';
export { createOptimizer } from './optim/create-optimizer.js';
export { learningRateAt } from './optim/lr-schedule.js';
export type { LrScheduleSpec, SchedulePosition } from './optim/lr-schedule.js';
export { clipGradNorm, globalGradNorm } from './optim/clip-grad-norm.js';

// Checkpoints (bytes; file storage is in @skelnorm/trainer/node).
export {
  CHECKPOINT_FORMAT,
  encodeCheckpoint,
  decodeCheckpoint,
  readTrainerState,
  loadCheckpointWeights,
  disposeCheckpoint,
  checkpointName,
  modelSpecOf,
} from './checkpoint/checkpoint.js';
export type { TrainerState, CheckpointFiles, Checkpoint } from './checkpoint/checkpoint.js';
export { MemoryCheckpointStore } from './checkpoint/checkpoint-store.js';
export type { CheckpointStore, StoredCheckpoint } from './checkpoint/checkpoint-store.js';
export { collectGenerators } from './generators.js';
export { median } from './median.js';
