// Test setup shared by this package's tests: run the same computation on the cpu backend (the
// reference) and on wasm (with this package's kernels), and compare.
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../index.js';

/** Loads cpu and wasm (wasm through setupBackend, so with its binaries and kernels). */
export async function loadCpuAndWasm(): Promise<void> {
  await setupBackend({ prefer: 'cpu' });
  await setupBackend({ prefer: 'wasm' });
}

/** Runs `compute` on `backend` and reads its result with `await data()`. */
export async function runOn(backend: string, compute: () => tf.Tensor): Promise<{ shape: number[]; values: Float32Array | Int32Array }> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialize`);
  const out = tf.tidy(compute);
  try {
    return { shape: out.shape, values: (await out.data()) as Float32Array | Int32Array };
  } finally {
    out.dispose();
  }
}

/** Deterministic values in [-1, 1) (a linear congruential sequence), so runs are reproducible. */
export function pseudoRandom(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Largest |actual - expected| / (1 + |expected|): <= 1e-4 means equal to 1e-4 (relative, absolute near 0). */
export function maxScaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i] ?? 0;
    const err = Math.abs((actual[i] ?? 0) - e) / (1 + Math.abs(e));
    worst = Number.isNaN(err) ? Infinity : Math.max(worst, err);
  }
  return worst;
}
