import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCpuAndWasm } from '../../test-support/backends.js';
import { SIMD_KERNELS_BASE64 } from './kernels.generated.js';
import { simdKernels } from './simd-kernels.js';

beforeAll(loadCpuAndWasm);

describe('skelnorm SIMD kernels (kernels.wat)', () => {
  it('the committed module is what kernels.wat compiles to', () => {
    const script = fileURLToPath(new URL('../../../scripts/build-simd-kernels.mjs', import.meta.url));
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toContain('up to date');
  });

  it('is small enough for a synchronous compile on a browser main thread (< 4 KB)', () => {
    expect(atob(SIMD_KERNELS_BASE64).length).toBeLessThan(4096);
  });

  it('binds to the wasm backend memory once, and follows it when it grows', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const kernels = simdKernels(backend);
    expect(kernels).toBeDefined();
    expect(simdKernels(backend)).toBe(kernels);
    // A 64 MB tensor grows the heap; the kernels still see (and write) the new memory.
    const big = tf.zeros([16 * 1024 * 1024]);
    const x = tf.tensor4d([1, 5, 3, 2, -1, -2, -3, -4, 0, 0, 0, 0, 9, 0, 9, -5], [1, 2, 2, 4]);
    const dy = tf.tensor4d([10, 20, 30, 40], [1, 1, 1, 4]);
    const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: dy }, { filterSize: [2, 2], strides: [2, 2], pad: 'valid' }) as tf.Tensor;
    expect(Array.from(await dx.data())).toEqual([0, 20, 0, 40, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 30, 0]);
    tf.dispose([big, x, dy, dx]);
  });
});
