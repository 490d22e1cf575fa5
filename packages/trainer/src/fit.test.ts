import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { manualSeed, Module, type ForwardContext } from '@skelnorm/nn';
import { fit, MemoryCheckpointStore, type Batch, type FitOptions, type TrainEvent } from './index.js';
import { useCpu } from './test-support/tf.js';
import { TinyNet, epochBatches, makeSamples } from './test-support/tiny.js';

beforeAll(useCpu);

type Of<T extends TrainEvent['type']> = Extract<TrainEvent, { type: T }>;
const only = <T extends TrainEvent['type']>(events: TrainEvent[], type: T) => events.filter((e): e is Of<T> => e.type === type);

async function collect(stream: AsyncIterable<TrainEvent>, stop?: (e: TrainEvent) => boolean): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  for await (const e of stream) {
    events.push(e);
    if (stop?.(e)) break;
  }
  return events;
}

const weights = (m: Module) => Object.fromEntries(m.namedParameters().map(([n, v]) => [n, Array.from(v.dataSync())]));

describe('fit', () => {
  it('emits start, steps, epochs, evals, checkpoints and done in order, and learns', async () => {
    const model = new TinyNet();
    const samples = makeSamples(64);
    const data = { train: epochBatches(samples, 16), test: () => epochBatches(samples, 32, false)(0, 0), trainEval: () => epochBatches(samples, 64, false)(0, 0) };
    const events = await collect(fit(model, data, { epochs: 4, optimizer: { name: 'adam', lr: 0.05 }, checkpoint: { store: new MemoryCheckpointStore() } }));
    expect(events.map((e) => e.type).join(' ')).toBe(
      ['start', ...Array.from({ length: 4 }, () => 'step step step step epoch eval eval checkpoint'), 'done'].join(' '),
    );
    const steps = only(events, 'step');
    expect(steps.map((s) => s.globalStep)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(steps[5]).toMatchObject({ epoch: 1, step: 2, batchSize: 16, lr: 0.05 });
    const epochs = only(events, 'epoch');
    expect(epochs.at(-1)!.loss).toBeLessThan(epochs[0]!.loss);
    const evals = only(events, 'eval');
    expect(evals.map((e) => e.split)).toEqual(['test', 'train', 'test', 'train', 'test', 'train', 'test', 'train']);
    expect(evals.at(-1)!.result.count).toBe(64);
    expect(only(events, 'done')[0]!.lastEval?.top1).toBeGreaterThan(0.5);
    model.dispose();
  });

  it('leaks no tensors over many steps', async () => {
    const model = new TinyNet();
    const samples = makeSamples(32);
    const counts: number[] = [];
    const data = { train: epochBatches(samples, 4), test: () => epochBatches(samples, 16, false)(0, 0) };
    const options: FitOptions = { epochs: 4, optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }, clipGradNorm: 1, labelSmoothing: 0.1, checkpoint: { store: new MemoryCheckpointStore(), everySteps: 5 } };
    const before = tf.memory().numTensors;
    for await (const e of fit(model, data, options)) if (e.type === 'step') counts.push(tf.memory().numTensors);
    expect(counts).toHaveLength(32);
    expect(new Set(counts.slice(1)).size).toBe(1); // constant after the momentum buffers appear
    expect(tf.memory().numTensors).toBe(before); // optimizer slots freed at the end
    model.dispose();
  });

  it('stops promptly when the loop is left, and frees what it held', async () => {
    const model = new TinyNet();
    let pulled = 0;
    let closed = false;
    const samples = makeSamples(64);
    function* train(epoch: number, seed: number): IterableIterator<Batch> {
      try {
        for (const b of epochBatches(samples, 4)(epoch, seed)) {
          pulled++;
          yield b;
        }
      } finally {
        closed = true;
      }
    }
    const before = tf.memory().numTensors;
    const events = await collect(fit(model, { train }, { epochs: 100 }), (e) => e.type === 'step' && e.globalStep === 3);
    expect(events.at(-1)).toMatchObject({ type: 'step', globalStep: 3 });
    expect(pulled).toBe(3);
    expect(closed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stops on an aborted signal with an error event', async () => {
    const model = new TinyNet();
    const controller = new AbortController();
    const events: TrainEvent[] = [];
    const samples = makeSamples(32);
    const before = tf.memory().numTensors;
    for await (const e of fit(model, { train: epochBatches(samples, 4) }, { epochs: 5, signal: controller.signal })) {
      events.push(e);
      if (e.type === 'step' && e.globalStep === 2) controller.abort();
    }
    expect(only(events, 'step')).toHaveLength(2);
    expect(events.at(-1)?.type).toBe('error');
    // The batch pulled when the abort was seen is disposed too.
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('resume', () => {
  const samples = makeSamples(48);
  const options = (store: MemoryCheckpointStore, everySteps?: number): FitOptions => ({
    epochs: 4,
    seed: 11,
    optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
    schedule: { name: 'cosine', warmupSteps: 3 },
    labelSmoothing: 0.1,
    clipGradNorm: 2,
    checkpoint: { store, ...(everySteps ? { everySteps } : {}) },
  });
  const data = { train: epochBatches(samples, 12), test: () => epochBatches(samples, 48, false)(0, 0) };

  async function uninterrupted() {
    manualSeed(0);
    const model = new TinyNet(4, 8, 3, 0.3);
    const events = await collect(fit(model, data, options(new MemoryCheckpointStore())));
    const result = { losses: only(events, 'step').map((e) => [e.globalStep, e.loss]), weights: weights(model) };
    model.dispose();
    return result;
  }

  for (const [label, everySteps, stopAt] of [['end of an epoch', undefined, 8], ['mid-epoch', 3, 6]] as const) {
    it(`continues from a checkpoint (${label}) to the same losses and weights as an uninterrupted run`, async () => {
      const reference = await uninterrupted();
      const store = new MemoryCheckpointStore();
      manualSeed(0);
      const first = new TinyNet(4, 8, 3, 0.3);
      const part = await collect(fit(first, data, options(store, everySteps)), (e) => e.type === 'checkpoint' && e.globalStep === stopAt);
      expect(part.at(-1)?.type).toBe('checkpoint');
      first.dispose();

      // A new "process": another init, other generator states.
      manualSeed(999);
      const second = new TinyNet(4, 8, 42, 0.3);
      const events = await collect(fit(second, data, { ...options(store, everySteps), resume: 'latest' }));
      const start = events[0] as Of<'start'>;
      if (start.type !== 'start') throw (events[0] as Of<'error'>).error;
      expect(start).toMatchObject({ type: 'start', globalStep: stopAt, resumedFrom: expect.stringContaining(`step-0000000${stopAt}`) });
      const resumed = only(events, 'step').map((e) => [e.globalStep, e.loss]);
      expect(resumed[0]![0]).toBe(stopAt + 1);
      const expected = reference.losses.slice(stopAt);
      expect(resumed).toHaveLength(expected.length);
      resumed.forEach(([, loss], i) => expect(Math.abs((loss as number) - (expected[i]![1] as number))).toBeLessThan(1e-6));
      for (const [name, w] of Object.entries(weights(second))) {
        const ref = reference.weights[name]!;
        w.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-6));
      }
      second.dispose();
    });
  }
});

/** Passes its input through until armed, then multiplies it by NaN. */
class Poison extends Module {
  armed = false;
  forward(x: tf.Tensor, _context: ForwardContext): tf.Tensor {
    return this.armed ? tf.mul(x, NaN) : tf.relu(x);
  }
}

describe('NaN/Inf guard', () => {
  it('names the step, the input and the first layer, and the last good checkpoint, for a NaN in the batch', async () => {
    const model = new TinyNet();
    const samples = makeSamples(32);
    function* train(epoch: number, seed: number): IterableIterator<Batch> {
      let i = 0;
      for (const b of epochBatches(samples, 4)(epoch, seed)) {
        if (epoch === 1 && ++i === 3) {
          const poisoned = tf.tidy(() => tf.where(tf.equal(tf.reshape(tf.range(0, b.x.size), b.x.shape), 5), tf.fill(b.x.shape, NaN), b.x));
          b.x.dispose();
          yield { ...b, x: poisoned };
        } else yield b;
      }
    }
    const before = tf.memory().numTensors;
    const events = await collect(fit(model, { train }, { epochs: 3, checkpoint: { store: new MemoryCheckpointStore(), everySteps: 4 } }));
    const error = events.at(-1) as Of<'error'>;
    expect(error.type).toBe('error');
    expect(error.nonFinite).toEqual({
      epoch: 1, step: 3, globalStep: 11, quantity: 'loss', inputNonFinite: true, layer: 'fc1', layerType: 'Linear',
      lastGoodCheckpoint: 'memory:epoch-0001-step-00000008',
    });
    expect(error.error.message).toMatch(/epoch 1 step 3 .*input batch holds NaN.*epoch-0001-step-00000008/);
    expect(only(events, 'step').at(-1)?.globalStep).toBe(10);
    expect(tf.memory().numTensors).toBe(before);
    const w = weights(model);
    expect(Object.values(w).flat().every(Number.isFinite)).toBe(true); // no update from the bad batch
    model.dispose();
  });

  it('names the layer whose output went non-finite', async () => {
    const model = new TinyNet();
    const poison = new Poison();
    model.replaceModule('act', poison);
    const events: TrainEvent[] = [];
    for await (const e of fit(model, { train: epochBatches(makeSamples(16), 4) }, { epochs: 2 })) {
      events.push(e);
      if (e.type === 'step' && e.globalStep === 5) poison.armed = true;
    }
    expect((events.at(-1) as Of<'error'>).nonFinite).toMatchObject({ epoch: 1, step: 2, globalStep: 6, quantity: 'loss', inputNonFinite: false, layer: 'act', layerType: 'Poison' });
    model.dispose();
  });
});

describe('recalibrate', () => {
  it('runs PreciseBN before each evaluation: running statistics become the population statistics of the training data', async () => {
    const { BatchNorm1d } = await import('@skelnorm/norm');
    const { Linear } = await import('@skelnorm/nn');
    const { FEATURES } = await import('./test-support/tiny.js');
    class BnNet extends Module {
      readonly fc1 = this.registerModule('fc1', new Linear({ inFeatures: FEATURES, outFeatures: 6 }));
      readonly bn = this.registerModule('bn', new BatchNorm1d({ numFeatures: 6, momentum: 0.01 }));
      readonly fc2 = this.registerModule('fc2', new Linear({ inFeatures: 6, outFeatures: 4 }));
      forward(x: tf.Tensor, c: ForwardContext): tf.Tensor {
        return tf.tidy(() => this.fc2.call(tf.relu(this.bn.call(this.fc1.call(tf.reshape(x, [x.shape[0]!, FEATURES]), c), c)), c));
      }
    }
    const model = new BnNet();
    const samples = makeSamples(40);
    const events = await collect(fit(model, { train: epochBatches(samples, 8), test: () => epochBatches(samples, 40, false)(0, 0) }, { epochs: 2, recalibrate: true }));
    expect(only(events, 'eval').map((e) => e.recalibrated)).toEqual([true, true]);
    // Population statistics of fc1's output over all 40 training samples, computed here directly.
    const h = tf.tidy(() => model.fc1.call(tf.tensor2d(samples.x, [40, FEATURES])));
    const mean = tf.tidy(() => tf.mean(h, 0));
    const varUnbiased = tf.tidy(() => tf.div(tf.sum(tf.square(tf.sub(h, mean)), 0), 39));
    const named = Object.fromEntries(model.namedBuffers());
    const got = { mean: named['bn.running_mean']!.dataSync(), var: named['bn.running_var']!.dataSync() };
    mean.dataSync().forEach((m, i) => expect(Math.abs(got.mean[i]! - m)).toBeLessThan(1e-4));
    varUnbiased.dataSync().forEach((v, i) => expect(Math.abs(got.var[i]! - v) / v).toBeLessThan(1e-4));
    tf.dispose([h, mean, varUnbiased]);
    model.dispose();
  });
});
