import * as tf from '@tensorflow/tfjs-core';
import { invalidValueIndex, type ForwardContext, type Module } from '@skelnorm/nn';
import { BatchNormBase } from './batch-norm-base.js';
import { channelMoments, maskedChannelMoments, weightedChannelMoments } from './functional/batch-norm.js';
import { multiplicityOf } from './sample-multiplicity.js';
import { PooledMoments } from './pooled-moments.js';

/** What `recalibrate`, `diagnose` and `repair` take by default: an input tensor, or one with a mask and slot. */
export type NormBatch = tf.Tensor | { readonly x: tf.Tensor; readonly mask?: tf.Tensor; readonly slot?: number };

/** Runs the model on one batch; outputs are disposed for you. Needed when the model's call takes more than (x, context). */
export type BatchForward<B> = (model: Module, batch: B) => unknown;

export interface StatisticsPassOptions<B> {
  /** Stop after this many batches. Default: all of them. */
  maxBatches?: number;
  /**
   * How to run the model on a batch, e.g. `(m, b) => m.call(b.x, { mask: b.mask })`, or a per-person
   * loop with `{ slot }`. Default: `model.call(batch)` for a tensor, `model.call(batch.x,
   * { mask: batch.mask, slot: batch.slot })` for a `{ x, mask?, slot? }` object. Synchronous.
   */
  forward?: BatchForward<B>;
}

/** Everything one pass saw at one BatchNorm layer. */
export interface LayerObservation {
  readonly path: string;
  readonly layer: BatchNormBase;
  /** Every call pooled: the one distribution a single-statistics layer averages. */
  readonly pooled: PooledMoments;
  /** By call order within a forward pass (call 0, call 1, ...). */
  readonly byCall: PooledMoments[];
  /** By `context.slot`, for the calls that had one. */
  readonly bySlot: Map<number, PooledMoments>;
  /**
   * The average of the per-call batch statistics (mean, unbiased variance), by statistics slot
   * (0 for single-statistics layers): where running statistics converge when the weights stop
   * changing (momentum EMA or cumulative average), as opposed to the population statistics of
   * everything the layer saw, which also count the spread between batches and between calls.
   */
  readonly batchAverage: Map<number, BatchAverage>;
  /** Calls without `context.slot`. */
  unslottedCalls: number;
  /** Most and fewest calls in one forward pass. */
  maxCallsPerForward: number;
  minCallsPerForward: number;
  /** N of the first call's input (0 if never called). */
  batchSize: number;
}

/** Running sums of per-call batch statistics; `mean()` and `variance()` are their averages. */
export class BatchAverage {
  calls = 0;
  private readonly meanSum: Float64Array;
  private readonly varianceSum: Float64Array;

  constructor(readonly channels: number) {
    this.meanSum = new Float64Array(channels);
    this.varianceSum = new Float64Array(channels);
  }

  add(count: number, mean: ArrayLike<number>, m2: ArrayLike<number>): void {
    if (count <= 1) return;
    for (let c = 0; c < this.channels; c++) {
      this.meanSum[c] = (this.meanSum[c] ?? 0) + (mean[c] ?? 0);
      this.varianceSum[c] = (this.varianceSum[c] ?? 0) + (m2[c] ?? 0) / (count - 1);
    }
    this.calls++;
  }

  mean(): Float64Array {
    return this.meanSum.map((v) => v / Math.max(this.calls, 1));
  }

  /** Unbiased, as BatchNorm feeds running_var. */
  variance(): Float64Array {
    return this.varianceSum.map((v) => v / Math.max(this.calls, 1));
  }
}

export interface Observation {
  readonly layers: LayerObservation[];
  batches: number;
}

interface PendingCall {
  readonly observation: LayerObservation;
  readonly call: number;
  readonly slot: number | undefined;
  readonly mean: tf.Tensor;
  readonly m2: tf.Tensor;
  readonly count: number | tf.Tensor;
}

/**
 * One pass over `batches` that observes the input of every BatchNorm layer
 * (PreciseBN, Wu & Johnson 2021, https://arxiv.org/abs/2105.07576). During the pass the layers that
 * track running statistics are in training mode, so each normalizes with its batch statistics and every layer sees the inputs it
 * saw in training; every other module is in eval mode (no dropout). Each call's per-channel moments
 * (over the valid samples for masked layers) are pooled in float64, weighted by element count.
 * Afterwards the running statistics, num_batches_tracked and every module's mode are restored
 * exactly, so the pass changes nothing; the callers decide what to write.
 */
export async function observeBatchNorms<B>(
  model: Module,
  batches: Iterable<B> | AsyncIterable<B>,
  options: StatisticsPassOptions<B> = {},
): Promise<Observation> {
  const forward = options.forward ?? (defaultForward as BatchForward<B>);
  const maxBatches = options.maxBatches ?? Infinity;
  const layers: LayerObservation[] = model
    .namedModules()
    .filter((e): e is [string, BatchNormBase] => e[1] instanceof BatchNormBase)
    .map(([path, layer]) => ({
      path,
      layer,
      pooled: new PooledMoments(layer.numFeatures),
      byCall: [],
      bySlot: new Map(),
      batchAverage: new Map(),
      unslottedCalls: 0,
      maxCallsPerForward: 0,
      minCallsPerForward: Infinity,
      batchSize: 0,
    }));
  const observation: Observation = { layers, batches: 0 };
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  const snapshot = layers.map(({ layer }) =>
    Array.from({ length: layer.trackRunningStats ? layer.numSlots : 0 }, (_, slot) => {
      const s = layer.statistics(slot);
      return [tf.clone(s.runningMean), tf.clone(s.runningVar), tf.clone(s.numBatchesTracked)] as const;
    }),
  );
  const pending: PendingCall[] = [];
  const callsThisForward = new Map<LayerObservation, number>();
  const removers = layers.map((obs) =>
    obs.layer.registerForwardHook((_m, input, _out, context) => {
      const call = callsThisForward.get(obs) ?? 0;
      callsThisForward.set(obs, call + 1);
      if (obs.batchSize === 0) obs.batchSize = multiplicityOf(context, input)?.total ?? input.shape[0] ?? 0;
      pending.push({ observation: obs, call, slot: context.slot, ...callMoments(obs.layer, input, context) });
    }),
  );
  try {
    model.eval();
    for (const { layer } of layers) if (layer.trackRunningStats) layer.train(true);
    for await (const batch of maxBatches > 0 ? batches : []) {
      callsThisForward.clear();
      tf.tidy(() => {
        forward(model, batch);
      });
      observation.batches++;
      for (const obs of layers) {
        const calls = callsThisForward.get(obs) ?? 0;
        obs.maxCallsPerForward = Math.max(obs.maxCallsPerForward, calls);
        obs.minCallsPerForward = Math.min(obs.minCallsPerForward, calls);
      }
      await drain(pending);
      // Checked after the batch, so that no batch is pulled from the source only to be dropped.
      if (observation.batches >= maxBatches) break;
    }
  } finally {
    for (const remove of removers) remove();
    for (const p of pending.splice(0)) tf.dispose([p.mean, p.m2, ...(typeof p.count === 'number' ? [] : [p.count])]);
    layers.forEach(({ layer }, i) =>
      snapshot[i]?.forEach(([mean, variance, tracked], slot) => {
        const s = layer.statistics(slot);
        s.runningMean.assign(mean);
        s.runningVar.assign(variance);
        s.numBatchesTracked.assign(tracked);
        tf.dispose([mean, variance, tracked]);
      }),
    );
    // Pre-order, so that each module's own mode is set after its parent's recursive train().
    for (const [m, training] of modes) m.train(training);
  }
  for (const obs of layers) if (obs.minCallsPerForward === Infinity) obs.minCallsPerForward = 0;
  return observation;
}

function callMoments(layer: BatchNormBase, input: tf.Tensor, context: ForwardContext) {
  const mask = layer.maskFor(context);
  // A compacted batch (absent persons computed once) counts each row with its multiplicity.
  const counts = multiplicityOf(context, input)?.counts;
  const result = tf.tidy(() => {
    const { mean, variance, count } = mask
      ? maskedChannelMoments(input, mask, counts)
      : counts ? weightedChannelMoments(input, counts) : channelMoments(input);
    return { mean, m2: tf.mul(variance, count), count };
  });
  // The hook runs inside the batch's tidy; these must outlive it until they are read.
  tf.keep(result.mean);
  tf.keep(result.m2);
  if (typeof result.count !== 'number') tf.keep(result.count);
  return result;
}

async function drain(pending: PendingCall[]): Promise<void> {
  for (const p of pending.splice(0)) {
    try {
      const [mean, m2, count] = await Promise.all([
        p.mean.data(),
        p.m2.data(),
        typeof p.count === 'number' ? p.count : p.count.data().then((d) => d[0] ?? 0),
      ]);
      const obs = p.observation;
      obs.pooled.add(count, mean, m2);
      while (obs.byCall.length <= p.call) obs.byCall.push(new PooledMoments(obs.layer.numFeatures));
      obs.byCall[p.call]?.add(count, mean, m2);
      const statisticsSlot = obs.layer.perSlot ? (p.slot ?? 0) : 0;
      let average = obs.batchAverage.get(statisticsSlot);
      if (!average) obs.batchAverage.set(statisticsSlot, (average = new BatchAverage(obs.layer.numFeatures)));
      average.add(count, mean, m2);
      if (p.slot === undefined) {
        obs.unslottedCalls++;
      } else {
        let bySlot = obs.bySlot.get(p.slot);
        if (!bySlot) obs.bySlot.set(p.slot, (bySlot = new PooledMoments(obs.layer.numFeatures)));
        bySlot.add(count, mean, m2);
      }
    } finally {
      tf.dispose([p.mean, p.m2, ...(typeof p.count === 'number' ? [] : [p.count])]);
    }
  }
}

function defaultForward(model: Module, batch: NormBatch): unknown {
  if (batch instanceof tf.Tensor) return model.call(batch);
  if (batch && typeof batch === 'object' && 'x' in batch && batch.x instanceof tf.Tensor) {
    const context: ForwardContext = {
      ...(batch.mask !== undefined && { mask: batch.mask }),
      ...(batch.slot !== undefined && { slot: batch.slot }),
    };
    return model.call(batch.x, context);
  }
  throw new TypeError('expected each batch to be a tf.Tensor or { x, mask?, slot? }; for anything else pass options.forward');
}

/**
 * What makes (mean, variance) unusable as BatchNorm statistics, the first bad value named as
 * PyTorch names the buffers; undefined when they are finite and the variance non-negative.
 */
export function invalidStatistics(mean: ArrayLike<number>, variance: ArrayLike<number>): string | undefined {
  const m = invalidValueIndex(mean);
  if (m >= 0) return `running_mean[${m}] is ${mean[m]}`;
  const v = invalidValueIndex(variance, true);
  if (v >= 0) return `running_var[${v}] is ${variance[v]}${Number.isFinite(variance[v]!) ? ' (a variance must be >= 0)' : ''}`;
  return undefined;
}

/** Writes given statistics (mean, unbiased variance) into one set of running statistics. */
export function writeRunningStatistics(layer: BatchNormBase, slot: number, mean: ArrayLike<number>, variance: ArrayLike<number>): void {
  // NaN in the layer's input (a NaN weight upstream) must not become its running statistics.
  if (invalidStatistics(mean, variance) !== undefined) {
    throw new Error(`${layer.kind}: the statistics of its input are not finite (slot ${slot}); a weight or input before this layer holds NaN or Infinity, so no statistics were written`);
  }
  const s = layer.statistics(slot);
  tf.tidy(() => {
    s.runningMean.assign(tf.tensor1d(Float32Array.from(mean)));
    s.runningVar.assign(tf.tensor1d(Float32Array.from(variance)));
  });
}

/**
 * Writes pooled population statistics into one set of running statistics: mean, and the unbiased
 * variance as PyTorch stores it. num_batches_tracked is left as it was. Returns false (and writes
 * nothing) when there were no values.
 */
export function writeStatistics(layer: BatchNormBase, slot: number, moments: PooledMoments): boolean {
  if (moments.count === 0) return false;
  writeRunningStatistics(layer, slot, moments.mean, moments.variance(true));
  return true;
}

/** Runs `write` for the layer at `path`, naming the path in its error. */
export function atLayer<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw new Error(`${path || '(model)'}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

