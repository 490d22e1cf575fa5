// The fused BatchNorm kernels (@skelnorm/backends on wasm) against the op chain they replace, on
// wasm and cpu: forward, statistics and gradients, with and without a multiplicity.
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels, WASM_TRAINING_KERNEL_NAMES } from '@skelnorm/backends';
import { BatchNormTrain, BatchNormTrainGrad } from '@skelnorm/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchNormTrain } from '../index.js';
import { toleranceRatio, useBackend, useCpu, values } from '../test-support/tf.js';

beforeAll(async () => {
  await useBackend('wasm');
  registerWasmTrainingKernels();
});
afterAll(async () => {
  unregisterWasmTrainingKernels();
  await useCpu();
});

interface Case {
  readonly name: string;
  readonly shape: number[];
  /** Per sample: how many samples of the full batch each row stands for. */
  readonly counts?: number[];
  readonly value: (i: number, channel: number) => number;
}

const CASES: readonly Case[] = [
  { name: 'a feature map, 8 channels', shape: [4, 5, 3, 8], value: (i) => Math.sin(i * 1.7) * 3 + (i % 5) },
  { name: 'BatchNorm1d rows, 12 channels, far from zero', shape: [6, 12], value: (i) => 1000 + Math.cos(i * 0.9) },
  { name: 'a constant channel (an absent person\'s bias)', shape: [3, 4, 2, 4], value: (i, c) => (c === 1 ? 0.25 : Math.sin(i)) },
  { name: 'a compacted batch (multiplicities 1, 5, 2)', shape: [3, 6, 2, 8], counts: [1, 5, 2], value: (i) => Math.sin(i * 0.37) * 2 },
  { name: 'more rows than a block (17 x 40)', shape: [17, 40, 4], value: (i) => Math.sin(i * 0.11) + (i % 7) * 0.1 },
];

async function run(c: Case): Promise<{ quantities: number[][]; kernels: string[] }> {
  const size = c.shape.reduce((a, b) => a * b, 1);
  const channels = c.shape.at(-1)!;
  const x = tf.tensor(Array.from({ length: size }, (_, i) => c.value(i, i % channels)), c.shape);
  const w = tf.variable(tf.tensor1d(Array.from({ length: channels }, (_, i) => 0.5 + i * 0.1)));
  const b = tf.variable(tf.tensor1d(Array.from({ length: channels }, (_, i) => -0.2 + i * 0.05)));
  const dy = tf.tensor(Array.from({ length: size }, (_, i) => Math.cos(i * 0.77)), c.shape);
  const multiplicity = c.counts ? { counts: tf.tensor1d(c.counts), total: c.counts.reduce((a, v) => a + v, 0) } : undefined;
  let stats: number[][] = [];
  const profile = await tf.profile(() => {
    const { value, grads } = tf.valueAndGrads((input: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor) => {
      const r = batchNormTrain(input, 1e-5, weight, bias, multiplicity);
      stats = [Array.from(r.mean.dataSync()), Array.from(r.variance.dataSync())];
      r.mean.dispose();
      r.variance.dispose();
      return tf.sum(tf.mul(r.y, dy)) as tf.Scalar;
    })([x, w, b]);
    return [value, ...grads].map((t) => tf.keep(t));
  });
  const [value, dx, dw, db] = profile.result as tf.Tensor[];
  const quantities = [[...(await value!.data())], await values(dx!), await values(dw!), await values(db!), ...stats];
  tf.dispose([x, w, b, dy, value!, dx!, dw!, db!, multiplicity?.counts].filter((t): t is tf.Tensor => t !== undefined));
  return { quantities, kernels: profile.kernelNames };
}

describe('batchNormTrain through the fused wasm kernels', () => {
  it.each(CASES)('equals the op chain (wasm and cpu): $name', async (c) => {
    await useBackend('wasm');
    const fused = await run(c);
    expect(fused.kernels).toContain(BatchNormTrain);
    expect(fused.kernels).toContain(BatchNormTrainGrad);
    unregisterWasmTrainingKernels();
    registerWasmTrainingKernels(WASM_TRAINING_KERNEL_NAMES.filter((name) => name !== BatchNormTrain && name !== BatchNormTrainGrad));
    let chain: Awaited<ReturnType<typeof run>>;
    try {
      chain = await run(c);
      expect(chain.kernels).not.toContain(BatchNormTrain);
    } finally {
      registerWasmTrainingKernels();
    }
    await useCpu();
    const cpu = await run(c);
    await useBackend('wasm');
    cpu.quantities.forEach((expected, i) => {
      expect(toleranceRatio(fused.quantities[i]!, expected), `quantity ${i} against cpu`).toBeLessThanOrEqual(1);
      expect(toleranceRatio(fused.quantities[i]!, chain.quantities[i]!), `quantity ${i} against the wasm op chain`).toBeLessThanOrEqual(1);
    });
  });

  it('gives a constant channel exactly its value as mean and 0 as variance', async () => {
    await useBackend('wasm');
    const x = tf.tensor4d(Array.from({ length: 2 * 3 * 5 * 4 }, (_, i) => (i % 4 === 2 ? 0.1 : i * 0.01)), [2, 3, 5, 4]);
    const r = batchNormTrain(x, 1e-5, tf.ones([4]), tf.zeros([4]));
    expect((await r.mean.data())[2]).toBe(Math.fround(0.1));
    expect((await r.variance.data())[2]).toBe(0);
    tf.dispose([x, r.y, r.mean, r.variance]);
  });

  it('leaves channel counts that are not a multiple of 4 to the op chain', async () => {
    await useBackend('wasm');
    const x = tf.ones([2, 3, 3]);
    const profile = await tf.profile(() => batchNormTrain(x, 1e-5).y);
    expect(profile.kernelNames).not.toContain(BatchNormTrain);
    x.dispose();
  });
});

describe('batchNormTrain under a multiplicity, fused (wasm)', () => {
  it('equals the dense batch that repeats each row counts times: output, statistics, gradients', async () => {
    await useBackend('wasm');
    const [rowsPerSample, channels] = [12, 8];
    const counts = [1, 4, 1, 3];
    const sample = (s: number) => Array.from({ length: rowsPerSample * channels }, (_, i) => Math.sin(i * 0.3 + s * 1.9) * (1 + s) + s);
    const dySample = (s: number) => Array.from({ length: rowsPerSample * channels }, (_, i) => Math.cos(i * 0.7 - s));
    const compact = tf.tensor(counts.flatMap((_, s) => sample(s)), [counts.length, rowsPerSample, channels]);
    const dense = tf.tensor(counts.flatMap((c, s) => Array.from({ length: c }, () => sample(s)).flat()), [9, rowsPerSample, channels]);
    // The dense gradient of each copy; the compact row gets their sum.
    const dyDense = tf.tensor(counts.flatMap((c, s) => Array.from({ length: c }, (_, k) => dySample(s + 10 * k)).flat()), dense.shape);
    const dyCompact = tf.tensor(counts.flatMap((c, s) => {
      const sum = new Array<number>(rowsPerSample * channels).fill(0);
      for (let k = 0; k < c; k++) dySample(s + 10 * k).forEach((v, i) => (sum[i]! += v));
      return sum;
    }), compact.shape);
    const w = tf.tensor1d(Array.from({ length: channels }, (_, i) => 1 + i * 0.2));
    const b = tf.tensor1d(Array.from({ length: channels }, (_, i) => i * 0.1));
    const multiplicity = { counts: tf.tensor1d(counts), total: 9 };
    const results = [
      { x: compact, dy: dyCompact, m: multiplicity },
      { x: dense, dy: dyDense, m: undefined },
    ].map(({ x, dy, m }) => {
      let stats: tf.Tensor[] = [];
      const { grads } = tf.valueAndGrads((input: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor) => {
        const r = batchNormTrain(input, 1e-5, weight, bias, m);
        stats = [r.mean, r.variance];
        return tf.sum(tf.mul(r.y, dy)) as tf.Scalar;
      })([x, w, b]);
      return { dx: grads[0]!, dw: grads[1]!, db: grads[2]!, mean: stats[0]!, variance: stats[1]! };
    });
    const [c, d] = results as [(typeof results)[0], (typeof results)[0]];
    for (const key of ['dw', 'db', 'mean', 'variance'] as const) {
      expect(toleranceRatio(await values(c[key]), await values(d[key])), key).toBeLessThanOrEqual(1);
    }
    // Row s of the compact dx is the sum of its copies' dx in the dense batch.
    const dDense = await values(d.dx);
    const summed: number[] = [];
    let at = 0;
    counts.forEach((count) => {
      const block = rowsPerSample * channels;
      for (let i = 0; i < block; i++) summed.push(Array.from({ length: count }, (_, k) => dDense[at + k * block + i]!).reduce((a, v) => a + v, 0));
      at += count * block;
    });
    expect(toleranceRatio(await values(c.dx), summed), 'dx').toBeLessThanOrEqual(1);
    tf.dispose([compact, dense, dyDense, dyCompact, w, b, multiplicity.counts, ...results.flatMap((r) => Object.values(r))]);
  });
});
