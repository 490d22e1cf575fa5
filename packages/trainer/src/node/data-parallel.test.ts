import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOptimizer } from '../optim/create-optimizer.js';
import { localStepEngine } from '../local-step-engine.js';
import type { StepEngineFactory } from '../step-engine.js';
import { useCpu } from '../test-support/tf.js';
import { TinyNet, epochBatches, makeSamples } from '../test-support/tiny.js';
import { dataParallel } from './index.js';

beforeAll(useCpu);

const tinyModule = new URL('../test-support/tiny-models.ts', import.meta.url).href;

/** Parameter change of one SGD step with lr 1 (= minus the gradient) on the first batch. */
async function gradientByStep(factory: StepEngineFactory): Promise<Record<string, Float32Array>> {
  const model = new TinyNet(4, 8, 1);
  const before = Object.fromEntries(model.namedParameters().map(([n, v]) => [n, v.dataSync().slice()]));
  const spec = { name: 'sgd', lr: 1 } as const;
  const optimizer = createOptimizer(model.namedParameters(), spec);
  const engine = await factory({ model, optimizer, optimizerSpec: spec, labelSmoothing: 0 });
  try {
    const batch = epochBatches(makeSamples(10), 10)(0, 0).next().value!;
    const outcome = await engine.step(batch, 1);
    expect(outcome.finite).toBe(true);
    expect(outcome.count).toBe(10);
    tf.dispose([batch.x, batch.y]);
    await engine.pull();
    return Object.fromEntries(model.namedParameters().map(([n, v]) => [n, (before[n] as Float32Array).map((b, i) => b - (v.dataSync()[i] as number))]));
  } finally {
    await engine.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

describe('dataParallel', () => {
  it('the gradient over 3 worker replicas equals the single-process gradient (uneven shares 4/3/3)', async () => {
    const local = await gradientByStep(localStepEngine());
    const parallel = await gradientByStep(dataParallel({ workers: 3, backend: 'cpu', model: { name: 'tiny', module: tinyModule, options: { seed: 99 } } }));
    for (const [name, g] of Object.entries(local)) {
      const p = parallel[name] as Float32Array;
      let worst = 0;
      for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs((p[i] as number) - (g[i] as number)));
      expect(worst, name).toBeLessThan(1e-4);
      expect(Math.max(...g.map(Math.abs)), name).toBeGreaterThan(1e-3);
    }
  });
});
