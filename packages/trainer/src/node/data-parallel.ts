import type { GeneratorState } from '@skelnorm/nn';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../batch.js';
import type { StepEngine, StepEngineFactory, StepEngineSetup, StepOutcome } from '../step-engine.js';
import type { ReplicaInit, ReplicaReady, ReplicaReply, ReplicaRequest, ReplicaState, ReplicaStepResult, TensorData } from './replica-protocol.js';
import { allocateReduction } from './shared-reduction.js';
import { moduleUrlForThread } from './worker-entry.js';

/**
 * A model that a worker can build: `createModel(name, options)` exported by `module`
 * (default `@skelnorm/models`, the model zoo). A custom module must export a function of the
 * same name and signature returning an nn `Module`.
 */
export interface ModelSpec {
  readonly name: string;
  readonly options?: Readonly<Record<string, unknown>>;
  /** Module specifier or file URL that exports `createModel`. Default `@skelnorm/models`. */
  readonly module?: string;
}

/**
 * How replicas' buffers (BatchNorm running statistics) are kept:
 * - `broadcast-rank0` (default): as PyTorch DDP without SyncBN (`broadcast_buffers=True`): each
 *   replica updates its buffers from its own share of the batch; rank 0's become the model's.
 * - `average`: after every step each float buffer is replaced by the share-weighted mean over
 *   replicas, which gives the running mean SyncBN would give; the batch statistics used in the
 *   forward pass stay per-replica (this is not SyncBN's synchronised forward).
 */
export type BufferSync = 'broadcast-rank0' | 'average';

export interface DataParallelOptions {
  /** Worker threads (replicas). Default: `os.availableParallelism()`. */
  readonly workers?: number;
  /** The model each worker builds; must have the main model's parameters (names and sizes). */
  readonly model: ModelSpec;
  /** Backend in the workers: `wasm` (with our training kernels), `cpu`, or `auto` (wasm, else cpu). Default `auto`. */
  readonly backend?: 'auto' | 'wasm' | 'cpu';
  /** Default `broadcast-rank0`. */
  readonly buffers?: BufferSync;
}

/**
 * Data-parallel training over worker threads on CPU, for `fit(..., { engine })`.
 *
 * Each worker runs its own tfjs (wasm by default) and a replica built from `options.model`, with
 * the main model's weights. Per step the main thread splits the batch into contiguous shares
 * (sizes differ by at most one) and sends them; each replica computes the gradient of its share,
 * weighted by share/batch so that the sum is the full batch's mean gradient; the replicas
 * all-reduce through a SharedArrayBuffer (reduce-scatter, then everyone reads the result) and
 * every replica applies the same clipping and optimizer update.
 *
 * Why every replica updates instead of the main thread updating and broadcasting weights: the
 * update is cheap and runs in parallel, nothing crosses threads per step but the batch and a
 * few numbers, and the main thread stays free to load data. The main model and optimizer are
 * brought up to date (`pull`, from rank 0) only for evaluation, checkpoints and the end.
 *
 * Buffers: see {@link BufferSync}. Dropout masks come from each replica's own generators
 * (their states go into checkpoints through `getState`).
 */
export function dataParallel(options: DataParallelOptions): StepEngineFactory {
  return async (setup) => DataParallelEngine.start(setup, options);
}

class DataParallelEngine implements StepEngine {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly setup: StepEngineSetup,
    private readonly workers: Worker[],
    readonly description: string,
  ) {}

  static async start(setup: StepEngineSetup, options: DataParallelOptions): Promise<DataParallelEngine> {
    const world = options.workers ?? availableParallelism();
    if (!(Number.isInteger(world) && world >= 1)) throw new RangeError(`dataParallel: workers must be a positive integer, got ${world}`);
    const buffers = options.buffers ?? 'broadcast-rank0';
    const params = setup.model.namedParameters();
    const floatBuffers = buffers === 'average' ? setup.model.namedBuffers().filter(([, v]) => v.dtype === 'float32') : [];
    const gradLength = params.reduce((n, [, v]) => n + v.size, 0);
    const length = gradLength + floatBuffers.reduce((n, [, v]) => n + v.size, 0);
    const reduction = allocateReduction(world, length, gradLength);
    const url = moduleUrlForThread('replica-worker', import.meta.url);
    const workers: Worker[] = [];
    const ready: Promise<ReplicaReady>[] = [];
    for (let rank = 0; rank < world; rank++) {
      const init: ReplicaInit = {
        rank, world, model: options.model, optimizer: setup.optimizerSpec, labelSmoothing: setup.labelSmoothing,
        ...(setup.clipGradNorm === undefined ? {} : { clipGradNorm: setup.clipGradNorm }),
        backend: options.backend ?? 'auto', buffers, reduction,
      };
      const worker = new Worker(url, { workerData: init });
      workers.push(worker);
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('message', (m: ReplicaReady) => resolve(m));
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`dataParallel: replica ${rank} exited (code ${code}) before it was ready`)));
        }),
      );
    }
    let readies: ReplicaReady[];
    try {
      readies = await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    const expected = JSON.stringify(params.map(([n, v]) => [n, v.size]));
    for (const [rank, r] of readies.entries()) {
      if (JSON.stringify(r.parameters) !== expected) {
        await Promise.all(workers.map((w) => w.terminate()));
        throw new Error(`dataParallel: replica ${rank} built '${options.model.name}' with parameters ${JSON.stringify(r.parameters).slice(0, 200)}..., which differ from the main model's`);
      }
    }
    const engine = new DataParallelEngine(setup, workers, `workers x${world} (${readies[0]?.backend ?? '?'})`);
    for (const worker of workers) engine.listen(worker);
    await engine.push();
    return engine;
  }

  private listen(worker: Worker): void {
    worker.removeAllListeners('message');
    worker.removeAllListeners('error');
    worker.removeAllListeners('exit');
    worker.on('message', (reply: ReplicaReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new Error(`data-parallel replica failed: ${reply.error}`));
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`data-parallel: a replica exited unexpectedly (code ${code})`));
    });
  }

  private request<T>(worker: Worker, message: RequestBody, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...message, id }, transfer);
    });
  }

  async step(batch: Batch, lr: number): Promise<StepOutcome> {
    const total = batch.y.shape[0] ?? 0;
    const world = this.workers.length;
    if (total === 0) throw new Error('dataParallel: empty batch');
    const [x, y, mask] = await Promise.all([batch.x.data(), batch.y.data(), batch.mask?.data()]);
    const replies: Promise<ReplicaStepResult | null>[] = [];
    let start = 0;
    for (let rank = 0; rank < world; rank++) {
      const n = Math.floor(total / world) + (rank < total % world ? 1 : 0);
      const xs = share(x, batch.x.shape, start, n, 'float32');
      const ys = share(y, batch.y.shape, start, n, 'int32');
      const ms = mask && batch.mask ? share(mask, batch.mask.shape, start, n, 'float32') : undefined;
      const transfer = [xs.data.buffer, ys.data.buffer, ...(ms ? [ms.data.buffer] : [])] as ArrayBuffer[];
      replies.push(this.request(this.workers[rank] as Worker, { type: 'step', lr, total, x: xs, y: ys, ...(ms ? { mask: ms } : {}) }, transfer));
      start += n;
    }
    const results = await Promise.all(replies);
    return results[0] as ReplicaStepResult;
  }

  async pull(includeOptimizer = false): Promise<void> {
    if (this.failure) return;
    const state = await this.request<ReplicaState>(this.workers[0] as Worker, { type: 'get-state', optimizer: includeOptimizer });
    const dict = fromData(state.model);
    try {
      this.setup.model.loadStateDict(dict);
    } finally {
      tf.dispose(Object.values(dict));
    }
    if (state.optimizer) {
      const tensors = fromData(state.optimizer.tensors);
      try {
        this.setup.optimizer.loadStateDict({ stepCount: state.optimizer.stepCount, tensors });
      } finally {
        tf.dispose(Object.values(tensors));
      }
    }
  }

  async push(includeOptimizer = true): Promise<void> {
    const modelState = this.setup.model.stateDict();
    const opt = includeOptimizer ? this.setup.optimizer.stateDict() : { stepCount: 0, tensors: {} };
    try {
      const state: ReplicaState = {
        model: await toData(modelState),
        ...(includeOptimizer ? { optimizer: { stepCount: opt.stepCount, tensors: await toData(opt.tensors) } } : {}),
      };
      await Promise.all(this.workers.map((w) => this.request(w, { type: 'set-state', state })));
    } finally {
      tf.dispose([...Object.values(modelState), ...Object.values(opt.tensors)]);
    }
  }

  async getState(): Promise<unknown> {
    return { replicas: await Promise.all(this.workers.map((w) => this.request<Record<string, GeneratorState>>(w, { type: 'get-rng' }))) };
  }

  async setState(state: unknown): Promise<void> {
    const replicas = (state as { replicas?: Record<string, GeneratorState>[] } | undefined)?.replicas;
    if (!replicas || replicas.length !== this.workers.length) return;
    await Promise.all(this.workers.map((w, rank) => this.request(w, { type: 'set-rng', rng: replicas[rank] as Record<string, GeneratorState> })));
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.workers.map(async (w) => {
        if (!this.failure) {
          try {
            await Promise.race([this.request(w, { type: 'close' }), new Promise((r) => setTimeout(r, 2000))]);
          } catch {
            // Terminated below either way.
          }
        }
        await w.terminate();
      }),
    );
  }
}

/** A request without its id (distributes over the union). */
type RequestBody = ReplicaRequest extends infer R ? (R extends ReplicaRequest ? Omit<R, 'id'> : never) : never;

function share(values: ArrayLike<number>, shape: readonly number[], start: number, n: number, dtype: 'float32' | 'int32'): TensorData {
  const row = shape.slice(1).reduce((a, b) => a * b, 1);
  const data = dtype === 'int32' ? new Int32Array(n * row) : new Float32Array(n * row);
  const source = values as Float32Array | Int32Array;
  data.set(source.subarray(start * row, (start + n) * row));
  return { shape: [n, ...shape.slice(1)], dtype, data };
}

async function toData(tensors: Readonly<Record<string, tf.Tensor>>): Promise<Record<string, TensorData>> {
  const out: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(tensors)) {
    const values = await t.data();
    out[name] = t.dtype === 'int32'
      ? { shape: [...t.shape], dtype: 'int32', data: Int32Array.from(values) }
      : { shape: [...t.shape], dtype: 'float32', data: Float32Array.from(values) };
  }
  return out;
}

function fromData(data: Readonly<Record<string, TensorData>>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, d] of Object.entries(data)) out[name] = tf.tensor(d.data, d.shape, d.dtype);
  return out;
}
