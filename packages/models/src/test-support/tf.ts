// Test setup shared by this package's tests.
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@skelnorm/backends';
import { crossEntropy, type Module } from '@skelnorm/nn';
export { toleranceRatio, goldenDir } from '@skelnorm/test-support';

export type TestBackend = 'cpu' | 'wasm';

/**
 * The backend for a test file, every gradient registered: `SKELNORM_TEST_BACKEND` or `fallback`.
 * Training tests use wasm (with @skelnorm/backends' training kernels): the cpu backend's conv
 * filter gradient is ~50x slower.
 */
export async function useBackend(fallback: TestBackend = 'wasm'): Promise<void> {
  const name = (process.env['SKELNORM_TEST_BACKEND'] as TestBackend | undefined) ?? fallback;
  await setupBackend({ prefer: name });
  await tf.ready();
}



/** A deterministic skeleton batch [N, M, T, V, C]; persons listed in `absent` ([n, m]) are all zero. */
export function skeletonBatch(n: number, m: number, t: number, v = 25, c = 3, absent: [number, number][] = []): tf.Tensor {
  const data = new Float32Array(n * m * t * v * c);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) * 0.8 + Math.cos(i * 0.011) * 0.3;
  for (const [ni, mi] of absent) data.fill(0, (ni * m + mi) * t * v * c, (ni * m + mi + 1) * t * v * c);
  return tf.tensor(data, [n, m, t, v, c]);
}

/** Mean cross-entropy of the model in its current mode, as a number. */
export async function lossOf(model: Module, x: tf.Tensor, labels: tf.Tensor): Promise<number> {
  const loss = tf.tidy(() => crossEntropy(model.call(x), labels));
  const value = (await loss.data())[0] ?? NaN;
  loss.dispose();
  return value;
}

/** `steps` Adam steps on one batch; returns the losses before and after (both in training mode). */
export async function trainSteps(model: Module, x: tf.Tensor, labels: tf.Tensor, steps = 1, learningRate = 1e-3): Promise<[number, number]> {
  model.train();
  const optimizer = tf.train.adam(learningRate);
  const before = await lossOf(model, x, labels);
  for (let i = 0; i < steps; i++) {
    const cost = optimizer.minimize(() => crossEntropy(model.call(x), labels), true, model.parameters());
    cost?.dispose();
  }
  const after = await lossOf(model, x, labels);
  optimizer.dispose();
  return [before, after];
}
