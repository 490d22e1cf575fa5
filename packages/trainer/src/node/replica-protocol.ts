import type { GeneratorState } from '@skelnorm/nn';
import type { OptimizerSpec } from '../optim/optimizer.js';
import type { StepOutcome } from '../step-engine.js';
import type { BufferSync, ModelSpec } from './data-parallel.js';
import type { ReductionBuffers } from './shared-reduction.js';

/** What a replica worker starts with (`workerData`). */
export interface ReplicaInit {
  readonly rank: number;
  readonly world: number;
  readonly model: ModelSpec;
  readonly optimizer: OptimizerSpec;
  readonly labelSmoothing: number;
  readonly clipGradNorm?: number;
  readonly backend: 'auto' | 'wasm' | 'cpu';
  readonly buffers: BufferSync;
  readonly reduction: ReductionBuffers;
}

/** A tensor as plain data, for messages. */
export interface TensorData {
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  readonly data: Float32Array | Int32Array;
}

/** Model and optimizer state as plain data. */
export interface ReplicaState {
  /** Parameters and buffers, native layout, by name. */
  readonly model: Record<string, TensorData>;
  readonly optimizer?: { readonly stepCount: number; readonly tensors: Record<string, TensorData> };
}

export type ReplicaRequest =
  | { readonly id: number; readonly type: 'step'; readonly lr: number; readonly total: number; readonly x: TensorData; readonly y: TensorData; readonly mask?: TensorData }
  | { readonly id: number; readonly type: 'get-state'; readonly optimizer: boolean }
  | { readonly id: number; readonly type: 'set-state'; readonly state: ReplicaState }
  | { readonly id: number; readonly type: 'get-rng' }
  | { readonly id: number; readonly type: 'set-rng'; readonly rng: Record<string, GeneratorState> }
  | { readonly id: number; readonly type: 'close' };

export type ReplicaReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** First message of a worker once its backend and model are ready. */
export interface ReplicaReady {
  readonly type: 'ready';
  readonly backend: string;
  /** Parameter names and sizes, in gradient order (checked against the main model). */
  readonly parameters: [string, number][];
  readonly floatBuffers: [string, number][];
}

/** Step result that every rank computes identically (rank 0's is used): the engine's outcome, timed. */
export interface ReplicaStepResult extends Omit<StepOutcome, 'timings'> {
  /** Where rank 0's time went, in ms: forward+backward and gradient read-out; waiting for the others and reducing; update. */
  readonly timings?: { readonly computeMs: number; readonly syncMs: number; readonly updateMs: number };
}
