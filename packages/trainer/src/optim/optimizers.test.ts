import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipGradNorm, createOptimizer, learningRateAt, type LrScheduleSpec, type OptimizerSpec } from '../index.js';
import { useCpu } from '../test-support/tf.js';
import golden from './optim.golden.json' with { type: 'json' };

// Expected numbers: PyTorch 1.13 (scripts/optim-golden.py), the same gradient rule sin(3p + t),
// lr halved before step 3 through the optimizer's lr (as param_groups[0]['lr']).
beforeAll(useCpu);

function close(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(tol);
}

/** Runs the golden gradient rule through an optimizer made from `spec` and checks the parameters. */
function replayGolden(spec: OptimizerSpec, params: readonly (readonly number[])[]): void {
  const vars = golden.initial.map((v, i) => [`p${i}`, tf.variable(tf.tensor(v as number[]))] as const);
  const opt = createOptimizer(vars, spec);
  for (let t = 0; t < golden.steps; t++) {
    if (t === golden.halveLrAtStep) opt.lr *= 0.5;
    const grads = Object.fromEntries(vars.map(([n, v]) => [n, tf.tidy(() => tf.sin(tf.add(tf.mul(v, 3), t)))]));
    opt.step(grads);
    tf.dispose(Object.values(grads));
  }
  vars.forEach(([, v], i) => close(v.dataSync(), params[i] as number[], 2e-6));
  const afterFirst = tf.memory().numTensors;
  opt.step(Object.fromEntries(vars.map(([n, v]) => [n, tf.zerosLike(v)])));
  expect(tf.memory().numTensors).toBe(afterFirst + vars.length); // only the zero gradients
  opt.dispose();
  vars.forEach(([, v]) => v.dispose());
}

describe('optimizers match PyTorch', () => {
  for (const [name, { spec, params }] of Object.entries(golden.optimizers)) {
    it(name, () => replayGolden(spec as OptimizerSpec, params as number[][]));
  }

  it('state dict round-trips: a restored optimizer continues identically', () => {
    const make = () => [['w', tf.variable(tf.tensor([1, -2, 3]))] as const];
    const a = make();
    const b = make();
    const spec: OptimizerSpec = { name: 'adam', lr: 0.1, weightDecay: 0.01 };
    const optA = createOptimizer(a, spec);
    const step = (opt: ReturnType<typeof createOptimizer>, v: tf.Variable) => {
      const g = tf.tidy(() => tf.cos(v));
      opt.step({ w: g });
      g.dispose();
    };
    step(optA, a[0]![1]);
    step(optA, a[0]![1]);
    const saved = optA.stateDict();
    expect(Object.keys(saved.tensors).sort()).toEqual(['w.exp_avg', 'w.exp_avg_sq']);
    b[0]![1].assign(a[0]![1]);
    const optB = createOptimizer(b, spec);
    optB.loadStateDict(saved);
    tf.dispose(Object.values(saved.tensors));
    step(optA, a[0]![1]);
    step(optB, b[0]![1]);
    close(b[0]![1].dataSync(), [...a[0]![1].dataSync()], 0);
  });

  it('rejects Nesterov without momentum, as PyTorch', () => {
    expect(() => createOptimizer([], { name: 'sgd', lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
  });
});

describe('learning-rate schedules match PyTorch (stepped per epoch)', () => {
  for (const [name, { spec, baseLr, lrs }] of Object.entries(golden.schedules)) {
    it(name, () => {
      const ours = lrs.map((_, epoch) => learningRateAt(spec as LrScheduleSpec, baseLr, { epoch, globalStep: 0, epochs: lrs.length }));
      close(ours, lrs, 1e-12);
    });
  }

  it('per-step warmup multiplies the epoch decay (hand calculation)', () => {
    const s: LrScheduleSpec = { name: 'step', stepSize: 1, gamma: 0.5, warmupSteps: 4, warmupStartFactor: 0.2 };
    // step 2 of epoch 1: decay 0.5^1, warmup factor 0.2 + 0.8 * 2/4 = 0.6 -> 1 * 0.5 * 0.6
    expect(learningRateAt(s, 1, { epoch: 1, globalStep: 2, epochs: 3 })).toBeCloseTo(0.3, 12);
    expect(learningRateAt(s, 1, { epoch: 2, globalStep: 9, epochs: 3 })).toBeCloseTo(0.25, 12);
  });
});

describe('clipGradNorm matches torch.nn.utils.clip_grad_norm_', () => {
  it('scales every gradient by maxNorm / (total + 1e-6)', async () => {
    const grads = { a: tf.tensor(golden.clip.grads[0] as number[]), b: tf.tensor(golden.clip.grads[1] as number[]) };
    const { grads: clipped, totalNorm } = clipGradNorm(grads, golden.clip.maxNorm);
    expect(Math.abs((await totalNorm.data())[0]! - golden.clip.totalNorm)).toBeLessThan(1e-5);
    close(await clipped['a']!.data(), golden.clip.clipped[0] as number[], 1e-6);
    close(await clipped['b']!.data(), golden.clip.clipped[1] as number[], 1e-6);
    tf.dispose([...Object.values(grads), ...Object.values(clipped), totalNorm]);
  });
});
