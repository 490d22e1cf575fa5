import * as tf from '@tensorflow/tfjs-core';
import { checkStateValues, readSafetensors, safetensorsToTensors, tensorsToSafetensors, type GeneratorState, type Module, type SafetensorsFile } from '@skelnorm/nn';
import type { LrScheduleSpec } from '../optim/lr-schedule.js';
import type { Optimizer, OptimizerSpec } from '../optim/optimizer.js';

/** Format tag in every checkpoint. */
export const CHECKPOINT_FORMAT = 'skelnorm.trainer.checkpoint/1';

/**
 * Everything about a run that is not a tensor. Stored as JSON twice: in the safetensors header's
 * `__metadata__` under `skelnorm.trainer` (so the one file is self-contained) and in the JSON
 * file beside it (for people and tools).
 */
export interface TrainerState {
  readonly format: typeof CHECKPOINT_FORMAT;
  /** Epoch to continue in (0-based). */
  readonly epoch: number;
  /** Steps of `epoch` already done (0 for an end-of-epoch checkpoint, which sets `epoch` to the next one). */
  readonly step: number;
  readonly globalStep: number;
  readonly epochs: number;
  readonly seed: number;
  readonly optimizer: { readonly spec: OptimizerSpec; readonly stepCount: number };
  readonly schedule?: LrScheduleSpec;
  readonly labelSmoothing: number;
  readonly clipGradNorm?: number;
  /** Generator states (`default` = nn's defaultGenerator). */
  readonly rng: Readonly<Record<string, GeneratorState>>;
  /** Running sums of the epoch in progress (mid-epoch checkpoints), so its `epoch` event is exact. */
  readonly epochTotals?: { readonly lossSum: number; readonly correct: number; readonly count: number };
  /** The step engine's own state (e.g. worker replicas' generators). */
  readonly engine?: unknown;
  /**
   * How to rebuild the model (`createModel(name, options)` from `@skelnorm/models`); recorded
   * automatically for models that carry `modelName` and `config`, as the zoo's do.
   */
  readonly model?: { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
  /** The caller's run configuration. */
  readonly config?: unknown;
  /** ISO time of writing. */
  readonly savedAt: string;
}

/** A checkpoint as bytes: the safetensors file and its JSON companion. */
export interface CheckpointFiles {
  /** Tensors `model.<name>` (PyTorch layout) and `optimizer.<param>.<slot>`; metadata `skelnorm.trainer`. */
  readonly safetensors: Uint8Array;
  /** `TrainerState` as pretty JSON. */
  readonly json: string;
}

/** A parsed checkpoint; the tensors belong to the caller. */
export interface Checkpoint {
  readonly state: TrainerState;
  /** Model parameters and buffers in PyTorch layout, under PyTorch names. */
  readonly model: Record<string, tf.Tensor>;
  /** Optimizer slots, `<param>.<slot>`. */
  readonly optimizer: Record<string, tf.Tensor>;
}

const MODEL = 'model.';
const OPTIMIZER = 'optimizer.';

/** Encodes model, optimizer and trainer state (reads tensors asynchronously; WebGPU-safe). */
export async function encodeCheckpoint(model: Module, optimizer: Optimizer, state: TrainerState): Promise<CheckpointFiles> {
  const tensors: Record<string, tf.Tensor> = {};
  const modelState = model.stateDict({ layout: 'pytorch' });
  const optimizerState = optimizer.stateDict();
  try {
    for (const [k, t] of Object.entries(modelState)) tensors[MODEL + k] = t;
    for (const [k, t] of Object.entries(optimizerState.tensors)) tensors[OPTIMIZER + k] = t;
    const json = JSON.stringify(state, null, 2);
    // `model` / `config` as the model zoo's exportTorchCheckpoint writes them.
    const zoo: Record<string, string> = state.model ? { model: state.model.name, config: JSON.stringify(state.model.options) } : {};
    const safetensors = await tensorsToSafetensors(tensors, { ...zoo, 'skelnorm.trainer': JSON.stringify(state), format: 'pt' });
    return { safetensors, json };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/**
 * Parses checkpoint bytes. `source` names the file in errors. Throws when the bytes are not a
 * trainer checkpoint (a truncated file, plain weights without trainer state).
 */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Checkpoint {
  const file = readSafetensors(bytes, source);
  checkStateValues(file, source);
  const state = trainerStateOf(file, source);
  return { state, model: safetensorsToTensors(file, MODEL), optimizer: safetensorsToTensors(file, OPTIMIZER) };
}

/** The trainer state of checkpoint bytes, without making tensors (validates the whole file). */
export function readTrainerState(bytes: Uint8Array, source = 'checkpoint'): TrainerState {
  return trainerStateOf(readSafetensors(bytes, source), source);
}

function trainerStateOf(file: SafetensorsFile, source: string): TrainerState {
  const meta = file.metadata['skelnorm.trainer'];
  if (meta === undefined) throw new Error(`${source}: no 'skelnorm.trainer' metadata; not a trainer checkpoint (plain weights?)`);
  let state: TrainerState;
  try {
    state = JSON.parse(meta) as TrainerState;
  } catch (error) {
    throw new Error(`${source}: 'skelnorm.trainer' metadata is not valid JSON (${(error as Error).message})`);
  }
  if (state.format !== CHECKPOINT_FORMAT) throw new Error(`${source}: format '${String(state.format)}', expected '${CHECKPOINT_FORMAT}'`);
  return state;
}

/**
 * Loads a checkpoint's weights and buffers into `model` (strict: same architecture) and returns
 * its trainer state, e.g. for `skelnorm doctor` or evaluation of a saved run.
 */
export function loadCheckpointWeights(model: Module, bytes: Uint8Array, source = 'checkpoint'): TrainerState {
  const checkpoint = decodeCheckpoint(bytes, source);
  try {
    model.loadStateDict(checkpoint.model, { layout: 'pytorch' });
  } finally {
    disposeCheckpoint(checkpoint);
  }
  return checkpoint.state;
}

/** Disposes a decoded checkpoint's tensors. */
export function disposeCheckpoint(checkpoint: Checkpoint): void {
  tf.dispose(Object.values(checkpoint.model));
  tf.dispose(Object.values(checkpoint.optimizer));
}

/** `{ name, options }` of a model-zoo model (one with `modelName` and `config`), else undefined. */
export function modelSpecOf(model: Module): { name: string; options: Record<string, unknown> } | undefined {
  const m = model as Module & { modelName?: unknown; config?: unknown };
  return typeof m.modelName === 'string' && typeof m.config === 'object' && m.config !== null
    ? { name: m.modelName, options: { ...(m.config as Record<string, unknown>) } }
    : undefined;
}

/** The file stem of a checkpoint: `epoch-0003-step-00000120` (sorts by progress). */
export function checkpointName(state: Pick<TrainerState, 'epoch' | 'step' | 'globalStep'>): string {
  return `epoch-${String(state.epoch).padStart(4, '0')}-step-${String(state.globalStep).padStart(8, '0')}`;
}
