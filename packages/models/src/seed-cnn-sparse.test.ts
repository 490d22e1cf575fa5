import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@skelnorm/backends';
import { crossEntropy } from '@skelnorm/nn';
import { describe, expect, it } from 'vitest';
import { SeedCnn, type SeedCnnOptions } from './seed-cnn.js';
import { personMask } from '@skelnorm/data';
import { compactAbsentPersons, readPersonPresence } from './seed-cnn-sparse.js';
import { skeletonBatch, toleranceRatio } from './test-support/tf.js';

const T = 8;
const N = 6;

/** Absent persons [n, m] of a 6-sample, 2-person batch. */
const PATTERNS: [string, [number, number][]][] = [
  ['NTU-like: one sample in six has a second person', [[0, 1], [1, 1], [2, 1], [4, 1], [5, 1]]],
  ['no absent person', []],
  ['every person absent', Array.from({ length: 2 * N }, (_, i) => [i >> 1, i & 1] as [number, number])],
  ['absent persons in both slots', [[1, 0], [2, 1], [3, 1], [5, 0]]],
];
const MODES: SeedCnnOptions[] = [
  { personMode: 'per-person', bnMomentum: 0.01 },
  { personMode: 'folded' },
  { personMode: 'per-person-stats', bnMomentum: null },
  { personMode: 'folded', norm: 'masked-batch' },
  { personMode: 'per-person', norm: 'masked-batch' },
  // 8 groups: with one channel per group (the default 32 at conv1), an absent person's constant
  // map has variance 0 and 1/sqrt(eps) = 316 turns rounding into conv1's bias gradient, dense or not.
  { personMode: 'folded', norm: 'group', normGroups: 8 },
];

describe('readPersonPresence', () => {
  it.each(['cpu', 'wasm'] as const)('agrees with personMask on %s (zeros, -0, NaN, a value at the very end)', async (backend) => {
    await setupBackend({ prefer: backend });
    const [n, m, per] = [3, 2, 12];
    const values = new Float32Array(n * m * per);
    values.fill(1, 0, per); // sample 0, person 0: present
    values[2 * per + per - 1] = 0.5; // sample 1, person 0: only its last value
    values.fill(-0, 3 * per, 4 * per); // sample 1, person 1: -0 everywhere, absent
    values[4 * per + 3] = Number.NaN; // sample 2, person 0: NaN is not 0
    const x = tf.tensor(values, [n, m, 2, 2, 3]);
    const expected = Array.from(await personMask(x).data());
    expect(expected).toEqual([1, 0, 1, 0, 1, 0]);
    expect(Array.from(readPersonPresence(x)!)).toEqual(expected);
    x.dispose();
  });
});

describe('compactAbsentPersons', () => {
  it('keeps every present row and the first absent one, which stands for all the absent', () => {
    expect(compactAbsentPersons([1, 0, 1, 0, 0, 1])).toEqual({ rows: [0, 1, 2, 5], counts: [1, 3, 1, 1], expand: [0, 1, 2, 1, 1, 3] });
    expect(compactAbsentPersons([0, 0, 0])).toEqual({ rows: [0], counts: [3], expand: [0, 0, 0] });
  });

  it('compacts nothing when fewer than two persons are absent', () => {
    expect(compactAbsentPersons([1, 1, 1])).toBeUndefined();
    expect(compactAbsentPersons([1, 0, 1])).toBeUndefined();
  });
});

/** Loss, gradients of every parameter by name, and every buffer by name, after `step` SGD steps. */
interface Trace {
  losses: number[];
  grads: Map<string, Float32Array>[];
  buffers: Map<string, Float32Array>;
  evalLogits: Float32Array;
}

async function train(options: SeedCnnOptions, x: tf.Tensor, labels: tf.Tensor, steps: number): Promise<Trace> {
  const model = new SeedCnn({ ...options, frames: T, numClasses: 5, seed: 4 });
  // SGD with a small rate: Adam divides by sqrt(v) and turns the rounding-level gradients of
  // parameters that BatchNorm makes irrelevant (conv biases) into lr-sized steps of either sign,
  // and large steps on a 6-sample batch amplify rounding step after step; either would compare
  // two roundings of the dense computation (cpu against wasm drifts the same way), not sparse with dense.
  const optimizer = tf.train.sgd(1e-3);
  const trace: Trace = { losses: [], grads: [], buffers: new Map(), evalLogits: new Float32Array() };
  try {
    for (let i = 0; i < steps; i++) {
      const names = model.namedParameters();
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.call(x), labels) as tf.Scalar, names.map(([, v]) => v));
      trace.losses.push((await value.data())[0]!);
      const byName = new Map<string, Float32Array>();
      for (const [name, v] of names) byName.set(name, (await grads[v.name]!.data()) as Float32Array);
      trace.grads.push(byName);
      optimizer.applyGradients(grads);
      tf.dispose([value, grads]);
    }
    for (const [name, b] of model.namedBuffers()) trace.buffers.set(name, Float32Array.from(await b.data()));
    model.eval();
    const logits = tf.tidy(() => model.call(x));
    trace.evalLogits = (await logits.data()) as Float32Array;
    logits.dispose();
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  return trace;
}

async function expectSparseEqualsDense(backend: 'cpu' | 'wasm', mode: SeedCnnOptions, absent: [number, number][], steps: number): Promise<void> {
  await setupBackend({ prefer: backend });
  const x = skeletonBatch(N, 2, T, 25, 3, absent);
  const labels = tf.tensor1d([0, 1, 2, 3, 4, 0], 'int32');
  const [sparse, dense] = [await train({ ...mode, personSparse: true }, x, labels, steps), await train({ ...mode, personSparse: false }, x, labels, steps)];
  tf.dispose([x, labels]);
  expect(toleranceRatio(sparse.losses, dense.losses), `losses ${sparse.losses} vs ${dense.losses}`).toBeLessThanOrEqual(1);
  for (let i = 0; i < steps; i++) {
    for (const [name, want] of dense.grads[i]!) {
      expect(toleranceRatio(sparse.grads[i]!.get(name)!, want), `step ${i + 1}: gradient of ${name}`).toBeLessThanOrEqual(1);
    }
  }
  expect([...sparse.buffers.keys()]).toEqual([...dense.buffers.keys()]);
  for (const [name, want] of dense.buffers) expect(toleranceRatio(sparse.buffers.get(name)!, want), name).toBeLessThanOrEqual(1);
  expect(toleranceRatio(sparse.evalLogits, dense.evalLogits), 'eval logits').toBeLessThanOrEqual(1);
}

const cases = (modes: SeedCnnOptions[], patterns: typeof PATTERNS) =>
  modes.flatMap((mode) => patterns.map(([name, absent]) => [`${mode.norm ?? 'batch'}/${mode.personMode}: ${name}`, mode, absent] as const));

// Every mode and pattern over several steps on wasm (the training backend); on cpu, whose conv
// gradients are ~50x slower, one step of the two BatchNorm person modes.
describe('person-sparse seed-cnn equals the dense one (wasm, 6 steps)', () => {
  it.each(cases(MODES, PATTERNS))('%s', (_name, mode, absent) => expectSparseEqualsDense('wasm', mode, absent, 6), 120_000);
});

describe('person-sparse seed-cnn equals the dense one (cpu, 1 step)', () => {
  it.each(cases(MODES.slice(0, 2), [PATTERNS[0]!, PATTERNS[2]!]))('%s', (_name, mode, absent) => expectSparseEqualsDense('cpu', mode, absent, 1), 240_000);
});

describe('person-sparse execution', () => {
  it('computes the conv stack once for all absent persons, unless personSparse is false', async () => {
    await setupBackend({ prefer: 'cpu' });
    const x = skeletonBatch(N, 2, T, 25, 3, PATTERNS[0]![1]);
    const rows = (options: SeedCnnOptions) => {
      const model = new SeedCnn({ ...options, frames: T });
      const seen: number[] = [];
      model.conv1.at(0).registerForwardHook((_m, input) => seen.push(input.shape[0]!));
      tf.tidy(() => model.call(x));
      model.dispose();
      return seen;
    };
    // 12 persons, 5 absent: 7 present + 1 representative. Per person: 6 first persons, then 1 + 1.
    expect(rows({ personMode: 'folded' })).toEqual([8]);
    expect(rows({ personMode: 'per-person' })).toEqual([6, 2]);
    expect(rows({ personMode: 'folded', personSparse: false })).toEqual([12]);
    expect(rows({ personMode: 'per-person', personSparse: false })).toEqual([6, 6]);
    x.dispose();
  });

  it('takes the batch\'s [N, M] person mask as the trainer passes it, in every person mode', async () => {
    // fit and evaluate pass a batch's mask as context.mask; its rows are samples, not the stack's persons.
    await setupBackend({ prefer: 'cpu' });
    const x = skeletonBatch(N, 2, T, 25, 3, PATTERNS[0]![1]);
    const mask = tf.tensor2d(Array.from({ length: N }, (_, n) => [1, n === 3 ? 1 : 0]));
    for (const personMode of ['folded', 'per-person', 'per-person-stats'] as const) {
      const model = new SeedCnn({ frames: T, personMode }).eval();
      const [plain, withMask] = tf.tidy(() => [model.call(x), model.call(x, { mask })].map((t) => t.arraySync() as number[][]));
      expect(withMask, personMode).toEqual(plain);
      model.dispose();
    }
    tf.dispose([x, mask]);
  });

  it('does not leak tensors over a training step', async () => {
    await setupBackend({ prefer: 'wasm' });
    const model = new SeedCnn({ frames: T, personMode: 'folded' });
    const x = skeletonBatch(N, 2, T, 25, 3, PATTERNS[0]![1]);
    const optimizer = tf.train.sgd(0.01);
    const step = () => optimizer.minimize(() => tf.tidy(() => tf.mean(model.call(x))) as tf.Scalar, false, model.parameters());
    step();
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    x.dispose();
    model.dispose();
  });
});
