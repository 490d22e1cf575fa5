// A data-parallel replica: its own tfjs backend and model; see data-parallel.ts.
import * as tf from '@tensorflow/tfjs-core';
import { parentPort, workerData } from 'node:worker_threads';
import type { Module } from '@skelnorm/nn';
import { collectGenerators } from '../generators.js';
import { computeGradients } from '../local-step-engine.js';
import { createOptimizer } from '../optim/create-optimizer.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { ReplicaInit, ReplicaReady, ReplicaReply, ReplicaRequest, ReplicaState, ReplicaStepResult, TensorData } from './replica-protocol.js';
import { SharedReduction } from './shared-reduction.js';

const init = workerData as ReplicaInit;
const port = parentPort;
if (!port) throw new Error('replica-worker: must run in a worker thread');

const backend = await setUpBackend(init.backend);
const model = await buildModel(init);
const parameters = model.namedParameters();
const floatBuffers = init.buffers === 'average' ? model.namedBuffers().filter(([, v]) => v.dtype === 'float32') : [];
const optimizer: Optimizer = createOptimizer(parameters, init.optimizer);
const reduction = new SharedReduction(init.reduction, init.rank);
const gradLength = parameters.reduce((n, [, v]) => n + v.size, 0);
if (gradLength !== init.reduction.gradLength || gradLength + floatBuffers.reduce((n, [, v]) => n + v.size, 0) !== init.reduction.length) {
  throw new Error(`replica ${init.rank}: model '${init.model.name}' has ${gradLength} parameters, the main model ${init.reduction.gradLength}`);
}

port.on('message', (request: ReplicaRequest) => {
  handle(request).then(
    (result) => port.postMessage({ id: request.id, ok: true, result } satisfies ReplicaReply),
    (error: unknown) => {
      reduction.abort();
      port.postMessage({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ReplicaReply);
    },
  );
});
port.postMessage({
  type: 'ready',
  backend,
  parameters: parameters.map(([n, v]) => [n, v.size]),
  floatBuffers: floatBuffers.map(([n, v]) => [n, v.size]),
} satisfies ReplicaReady);

async function handle(request: ReplicaRequest): Promise<unknown> {
  switch (request.type) {
    case 'step': return step(request.x, request.y, request.mask, request.lr, request.total);
    case 'get-state': return getState(request.optimizer);
    case 'set-state': return setState(request.state);
    case 'get-rng': return Object.fromEntries(Object.entries(collectGenerators(model)).map(([k, g]) => [k, g.getState()]));
    case 'set-rng': {
      for (const [k, g] of Object.entries(collectGenerators(model))) if (request.rng[k]) g.setState(request.rng[k]);
      return null;
    }
    case 'close': {
      optimizer.dispose();
      model.dispose();
      setImmediate(() => port?.close());
      return null;
    }
  }
}

/**
 * Gradients of this rank's share; an all-reduce that weights each rank by share / total, so that
 * the sum is the full batch's mean gradient; the same clipping and update as every other rank.
 */
async function step(x: TensorData, y: TensorData, mask: TensorData | undefined, lr: number, total: number): Promise<ReplicaStepResult | null> {
  const t0 = performance.now();
  const count = y.shape[0] ?? 0;
  const weight = count / total;
  const row = init.rank * 4;
  if (count === 0) {
    // A batch smaller than the number of replicas: this one contributes nothing (weight 0).
    reduction.slot.fill(0);
    reduction.stats.fill(0, row, row + 3);
  } else {
    const batch = { x: toTensor(x), y: toTensor(y), ...(mask ? { mask: toTensor(mask) } : {}) };
    model.train();
    const { loss, correct, grads } = computeGradients({ model, labelSmoothing: init.labelSmoothing }, batch);
    try {
      const slot = reduction.slot;
      let offset = 0;
      for (const t of [...parameters.map(([name]) => grads[name] as tf.Tensor), ...floatBuffers.map(([, v]) => v)]) {
        const values = await valuesOf(t);
        slot.set(values, offset);
        offset += values.length;
      }
      reduction.stats[row] = ((await loss.data())[0] as number) * weight;
      reduction.stats[row + 1] = (await correct.data())[0] as number;
      reduction.stats[row + 2] = count;
    } finally {
      tf.dispose([batch.x, batch.y, batch.mask, loss, correct, ...Object.values(grads)].filter((t): t is tf.Tensor => t !== undefined));
    }
  }
  const t1 = performance.now();
  reduction.barrier();
  reduction.reduce();
  reduction.barrier();
  const t2 = performance.now();
  let lossSum = 0;
  let correctSum = 0;
  let countSum = 0;
  let squares = 0;
  const stats = reduction.stats;
  for (let k = 0; k < init.world; k++) {
    lossSum += stats[k * 4] as number;
    correctSum += stats[k * 4 + 1] as number;
    countSum += stats[k * 4 + 2] as number;
    squares += stats[k * 4 + 3] as number;
  }
  reduction.advance();
  const gradNorm = Math.sqrt(squares);
  const result = { loss: lossSum, correct: correctSum, count: countSum, gradNorm };
  if (!Number.isFinite(lossSum) || !Number.isFinite(gradNorm)) {
    const bad = Number.isFinite(lossSum) ? firstNonFiniteRange(reduction.result) : undefined;
    return { ...result, finite: false, ...(bad === undefined ? {} : { nonFiniteParameter: bad }) };
  }
  // The shared result is overwritten by the next step and read by every rank: a backend that
  // keeps the array it is given (cpu: an optimizer slot could hold a gradient's storage) and
  // clipping (scales in place) need a copy; wasm copies into its heap anyway.
  const coef = init.clipGradNorm === undefined ? 1 : Math.min(1, init.clipGradNorm / (gradNorm + 1e-6));
  const copy = coef < 1 || !heapBacked();
  const shared = (at: number, size: number) => (copy ? reduction.result.slice(at, at + size) : reduction.result.subarray(at, at + size));
  const averaged: Record<string, tf.Tensor> = {};
  let offset = 0;
  for (const [name, v] of parameters) {
    const values = shared(offset, v.size);
    if (coef < 1) for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * coef;
    averaged[name] = tf.tensor(values, v.shape, 'float32');
    offset += v.size;
  }
  try {
    optimizer.lr = lr;
    optimizer.step(averaged);
  } finally {
    tf.dispose(Object.values(averaged));
  }
  for (const [, v] of floatBuffers) {
    const values = shared(offset, v.size);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
    offset += v.size;
  }
  const timings = { computeMs: t1 - t0, syncMs: t2 - t1, updateMs: performance.now() - t2 };
  return init.rank === 0 ? { ...result, finite: true, timings } : null;

  function firstNonFiniteRange(values: Float32Array): string | undefined {
    let at = 0;
    for (const [name, v] of parameters) {
      for (let i = at; i < at + v.size; i++) if (!Number.isFinite(values[i])) return name;
      at += v.size;
    }
    return undefined;
  }
}

/** A backend that keeps tensors in its own heap (wasm): it copies what it is given and can lend views. */
type HeapBackend = { typedArrayFromHeap(t: tf.TensorInfo): Float32Array };

function heapBacked(): boolean {
  return typeof (tf.backend() as Partial<HeapBackend>).typedArrayFromHeap === 'function';
}

/**
 * A float tensor's values: on wasm a view of its heap memory (no 7 MB copy of the gradients per
 * step for the garbage collector to chase; valid until the next tfjs allocation, so the caller
 * consumes it at once), elsewhere `data()`.
 */
async function valuesOf(t: tf.Tensor): Promise<ArrayLike<number>> {
  if (heapBacked() && t.dtype === 'float32') return (tf.backend() as unknown as HeapBackend).typedArrayFromHeap(t);
  return t.data();
}


async function getState(withOptimizer: boolean): Promise<ReplicaState> {
  const modelState = model.stateDict();
  try {
    const out: Record<string, TensorData> = {};
    for (const [name, t] of Object.entries(modelState)) out[name] = await toData(t);
    if (!withOptimizer) return { model: out };
    const opt = optimizer.stateDict();
    try {
      const tensors: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(opt.tensors)) tensors[name] = await toData(t);
      return { model: out, optimizer: { stepCount: opt.stepCount, tensors } };
    } finally {
      tf.dispose(Object.values(opt.tensors));
    }
  } finally {
    tf.dispose(Object.values(modelState));
  }
}

function setState(state: ReplicaState): null {
  const dict: Record<string, tf.Tensor> = {};
  for (const [name, d] of Object.entries(state.model)) dict[name] = toTensor(d);
  try {
    model.loadStateDict(dict);
  } finally {
    tf.dispose(Object.values(dict));
  }
  if (state.optimizer) {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [name, d] of Object.entries(state.optimizer.tensors)) tensors[name] = toTensor(d);
    try {
      optimizer.loadStateDict({ stepCount: state.optimizer.stepCount, tensors });
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }
  return null;
}

function toTensor(d: TensorData): tf.Tensor {
  return tf.tensor(d.data, d.shape, d.dtype);
}

async function toData(t: tf.Tensor): Promise<TensorData> {
  const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
  const values = await t.data();
  return { shape: [...t.shape], dtype, data: dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values) };
}

async function setUpBackend(prefer: ReplicaInit['backend']): Promise<string> {
  // By variable: the backends package is loaded only in replicas (it registers gradients and
  // the wasm training kernels on this thread's tfjs).
  const specifier = '@skelnorm/backends';
  const { setupBackend } = (await import(specifier)) as { setupBackend: (o: { prefer: string }) => Promise<{ name: string }> };
  if (prefer !== 'auto') return (await setupBackend({ prefer })).name;
  try {
    return (await setupBackend({ prefer: 'wasm' })).name;
  } catch {
    return (await setupBackend({ prefer: 'cpu' })).name;
  }
}

async function buildModel(spec: ReplicaInit): Promise<Module> {
  const source = spec.model.module ?? '@skelnorm/models';
  const factory = (await import(source)) as { createModel?: (name: string, options?: Record<string, unknown>) => Module };
  if (typeof factory.createModel !== 'function') throw new Error(`replica: module '${source}' exports no createModel(name, options)`);
  return factory.createModel(spec.model.name, { ...spec.model.options });
}
