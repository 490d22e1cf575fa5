import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTrain } from './batch-norm-train.js';
import { channelMoments, normalizeChannels } from './batch-norm.js';
import { setupBackend } from '@skelnorm/backends';
import { toleranceRatio, useCpu } from '../test-support/tf.js';

beforeAll(useCpu);

/** The same layer as a composition of elementary tfjs ops, differentiated by tfjs. */
function composed(x: tf.Tensor, eps: number, weight?: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const { mean, variance } = channelMoments(x);
  return normalizeChannels(x, mean, variance, eps, weight, bias);
}

const CASES = [
  { name: '2d, affine', shape: [3, 4, 5, 6], affine: true },
  { name: '1d [N, C], affine', shape: [7, 5], affine: true },
  { name: '1d [N, L, C], no affine', shape: [4, 3, 2], affine: false },
] as const;

describe('batchNormTrain (one op with PyTorch\'s backward)', () => {
  it.each(CASES)('output, statistics and gradients equal the differentiated composition: $name', async ({ shape, affine }) => {
    const channels = shape[shape.length - 1]!;
    const x = tf.mul(tf.randomNormal([...shape], 0, 1, 'float32', 1), tf.range(1, channels + 1));
    const weight = affine ? tf.randomNormal([channels], 1, 0.3, 'float32', 2) : undefined;
    const bias = affine ? tf.randomNormal([channels], 0, 0.3, 'float32', 3) : undefined;
    const probe = tf.randomNormal([...shape], 0, 1, 'float32', 4);
    const inputs = [x, ...(affine ? [weight!, bias!] : [])];
    const loss = (f: typeof composed) => (...args: tf.Tensor[]) => tf.sum(tf.mul(f(args[0]!, 1e-5, args[1], args[2]), probe));
    const want = tf.grads(loss(composed))(inputs);
    const got = tf.grads(loss((...a) => {
      const r = batchNormTrain(...a);
      tf.dispose([r.mean, r.variance]);
      return r.y;
    }))(inputs);
    for (let i = 0; i < inputs.length; i++) {
      expect(toleranceRatio(await got[i]!.data(), await want[i]!.data()), `gradient ${i}`).toBeLessThanOrEqual(1);
    }
    const result = batchNormTrain(x, 1e-5, weight, bias);
    const reference = channelMoments(x);
    expect(toleranceRatio(await result.y.data(), await composed(x, 1e-5, weight, bias).data())).toBeLessThanOrEqual(1);
    expect(toleranceRatio(await result.mean.data(), await reference.mean.data())).toBeLessThanOrEqual(1);
    expect(toleranceRatio(await result.variance.data(), await reference.variance.data())).toBeLessThanOrEqual(1);
    expect(result.count).toBe(reference.count);
  });

  it('normalizes a constant channel to exactly its bias, not to amplified rounding (wasm as setupBackend makes it)', async () => {
    await setupBackend({ prefer: 'wasm' });
    try {
      // The seed CNN's first conv on an all-zero second person: its bias at every position.
      const constant = tf.mul(tf.ones([32, 16, 25, 2]), tf.tensor1d([0.1234567, -3.3]));
      const bias = tf.tensor1d([0.5, -0.25]);
      const result = batchNormTrain(constant, 1e-5, tf.tensor1d([1.5, 2]), bias);
      const y = Array.from(await result.y.data());
      const worst = y.reduce((m, v, i) => Math.max(m, Math.abs(v - (i % 2 === 0 ? 0.5 : -0.25))), 0);
      // A one-pass mean leaves |mean - x| ~ 1e-8 here, which 1 / sqrt(eps) = 316 turns into ~3e-6.
      expect(worst).toBeLessThan(1e-9);
      expect(Array.from(await result.mean.data())).toEqual(Array.from(await tf.tensor1d([0.1234567, -3.3]).data()));
      tf.dispose([result.y, result.mean, result.variance]);
    } finally {
      await useCpu();
    }
  });

  it('leaves no tensor behind once its outputs and gradients are disposed', () => {
    const x = tf.randomNormal([4, 3, 3, 2]);
    const w = tf.variable(tf.ones([2]));
    const b = tf.variable(tf.zeros([2]));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const r = batchNormTrain(x, 1e-5, w, b);
      tf.dispose([r.mean, r.variance]);
      return tf.sum(tf.square(r.y)) as tf.Scalar;
    }, [w, b]);
    tf.dispose([value, ...Object.values(grads)]);
    const dx = tf.grad((input: tf.Tensor) => {
      const r = batchNormTrain(input, 1e-5);
      tf.dispose([r.mean, r.variance]);
      return tf.sum(tf.square(r.y));
    })(x);
    dx.dispose();
    const plain = batchNormTrain(x, 1e-5, w, b);
    tf.dispose([plain.y, plain.mean, plain.variance]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
