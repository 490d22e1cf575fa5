import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOptimizer } from '../optim/create-optimizer.js';
import { localStepEngine } from '../local-step-engine.js';
import type { StepEngineFactory } from '../step-engine.js';
import { useCpu } from '../test-support/tf.js';
import { createModel as createTinyModel } from '../test-support/tiny-models.js';
import { FEATURES, TinyNet, epochBatches, makeSamples } from '../test-support/tiny.js';
import { dataParallel } from './index.js';

beforeAll(useCpu);

const tinyModule = new URL('../test-support/tiny-models.ts', import.meta.url).href;

/**
 * Parameter change of SGD steps with lr 1 (= minus the gradient): one on a batch of 10, then one
 * on a batch of 2 (smaller than the number of workers: some replicas idle).
 */
async function gradientsBySteps(factory: StepEngineFactory): Promise<Record<string, Float32Array>[]> {
  const model = new TinyNet(4, 8, 1);
  const spec = { name: 'sgd', lr: 1 } as const;
  const optimizer = createOptimizer(model.namedParameters(), spec);
  const engine = await factory({ model, optimizer, optimizerSpec: spec, labelSmoothing: 0 });
  const deltas: Record<string, Float32Array>[] = [];
  try {
    for (const size of [10, 2]) {
      await engine.pull();
      const before = Object.fromEntries(model.namedParameters().map(([n, v]) => [n, v.dataSync().slice()]));
      const batch = epochBatches(makeSamples(size), size)(0, 0).next().value!;
      const outcome = await engine.step(batch, 1);
      expect(outcome.finite).toBe(true);
      expect(outcome.count).toBe(size);
      tf.dispose([batch.x, batch.y]);
      await engine.pull();
      deltas.push(Object.fromEntries(model.namedParameters().map(([n, v]) => [n, (before[n] as Float32Array).map((b, i) => b - (v.dataSync()[i] as number))])));
    }
    return deltas;
  } finally {
    await engine.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

describe('dataParallel', () => {
  it('the gradient over 3 worker replicas equals the single-process gradient (shares 4/3/3, then 1/1/0)', async () => {
    const local = await gradientsBySteps(localStepEngine());
    const parallel = await gradientsBySteps(dataParallel({ workers: 3, backend: 'cpu', model: { name: 'tiny', module: tinyModule, options: { seed: 99 } } }));
    local.forEach((step, k) => {
      for (const [name, g] of Object.entries(step)) {
        const p = parallel[k]![name] as Float32Array;
        let worst = 0;
        for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs((p[i] as number) - (g[i] as number)));
        expect(worst, `step ${k} ${name}`).toBeLessThan(1e-4);
        expect(Math.max(...g.map(Math.abs)), name).toBeGreaterThan(1e-3);
      }
    });
  });
});

describe('fit with dataParallel', () => {
  it('trains, checkpoints and resumes like the single-process run', async () => {
    const { fit, MemoryCheckpointStore } = await import('../index.js');
    const samples = makeSamples(24);
    const data = { train: epochBatches(samples, 8), test: () => epochBatches(samples, 24, false)(0, 0) };
    // recalibrate: no BatchNorm here, but its model-only push must leave the replicas' Adam state alone.
    const options = { epochs: 3, optimizer: { name: 'adam', lr: 0.01 }, schedule: { name: 'step', stepSize: 1, gamma: 0.5 }, clipGradNorm: 0.5, recalibrate: true } as const;
    const run = async (engine: StepEngineFactory | undefined, store = new MemoryCheckpointStore(), resume = false, stopAfterEpoch?: number) => {
      const model = new TinyNet(4, 8, 1);
      const losses: number[] = [];
      let description = '';
      for await (const e of fit(model, data, { ...options, checkpoint: { store }, ...(engine ? { engine } : {}), ...(resume ? { resume: 'latest' as const } : {}) })) {
        if (e.type === 'start') description = e.engine;
        if (e.type === 'step') losses.push(e.loss);
        if (e.type === 'error') throw e.error;
        if (e.type === 'checkpoint' && e.epoch === stopAfterEpoch) break;
      }
      const w = model.namedParameters().flatMap(([, v]) => Array.from(v.dataSync()));
      model.dispose();
      return { losses, w, description };
    };
    const parallel = () => dataParallel({ workers: 2, backend: 'cpu', model: { name: 'tiny', module: tinyModule } });
    const local = await run(undefined);
    const store = new MemoryCheckpointStore();
    const first = await run(parallel(), store, false, 0);
    expect(first.description).toBe('workers x2 (cpu)');
    const second = await run(parallel(), store, true);
    const losses = [...first.losses, ...second.losses];
    expect(losses).toHaveLength(local.losses.length);
    losses.forEach((l, i) => expect(Math.abs(l - local.losses[i]!)).toBeLessThan(1e-5));
    second.w.forEach((v, i) => expect(Math.abs(v - local.w[i]!)).toBeLessThan(1e-5));
  });
});

describe('BatchNorm buffers across replicas', () => {
  // lr 0: only the running statistics change.
  const spec = { name: 'tiny-bn', module: tinyModule };
  const sgd0 = { name: 'sgd', lr: 0 } as const;
  const samples = makeSamples(8);

  async function buffersAfterStep(factory: StepEngineFactory, from: number, to: number): Promise<Record<string, Float32Array>> {
    const model = createTinyModel('tiny-bn');
    const optimizer = createOptimizer(model.namedParameters(), sgd0);
    const engine = await factory({ model, optimizer, optimizerSpec: sgd0, labelSmoothing: 0 });
    try {
      const batch = epochBatches({ x: samples.x.slice(from * FEATURES, to * FEATURES), y: samples.y.slice(from, to) }, 8, false)(0, 0).next().value!;
      await engine.step(batch, 0);
      tf.dispose([batch.x, batch.y]);
      await engine.pull();
      return Object.fromEntries(model.namedBuffers().filter(([, v]) => v.dtype === 'float32').map(([n, v]) => [n, v.dataSync() as Float32Array]));
    } finally {
      await engine.dispose();
      optimizer.dispose();
      model.dispose();
    }
  }

  it('broadcast-rank0 keeps rank 0 statistics (DDP without SyncBN); average keeps the mean over replicas', async () => {
    const firstHalf = await buffersAfterStep(localStepEngine(), 0, 4);
    const secondHalf = await buffersAfterStep(localStepEngine(), 4, 8);
    const rank0 = await buffersAfterStep(dataParallel({ workers: 2, backend: 'cpu', model: spec }), 0, 8);
    const averaged = await buffersAfterStep(dataParallel({ workers: 2, backend: 'cpu', model: spec, buffers: 'average' }), 0, 8);
    expect(Object.keys(rank0).sort()).toEqual(['bn.running_mean', 'bn.running_var']);
    for (const name of Object.keys(firstHalf)) {
      const a = firstHalf[name]!;
      const b = secondHalf[name]!;
      expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeGreaterThan(1e-3); // the halves differ
      a.forEach((v, i) => {
        expect(Math.abs(rank0[name]![i]! - v)).toBeLessThan(1e-5);
        expect(Math.abs(averaged[name]![i]! - (v + b[i]!) / 2)).toBeLessThan(1e-5);
      });
    }
  });
});

describe('dataParallel failures', () => {
  it('a replica that cannot build its model ends fit with an error event naming the cause', async () => {
    const { fit } = await import('../index.js');
    const model = new TinyNet();
    const events = [];
    for await (const e of fit(model, { train: epochBatches(makeSamples(8), 4) }, { epochs: 1, engine: dataParallel({ workers: 1, backend: 'cpu', model: { name: 'nope', module: tinyModule } }) })) events.push(e);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', error: { message: expect.stringContaining("unknown model 'nope'") } });
    model.dispose();
  });
});
