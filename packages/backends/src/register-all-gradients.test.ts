import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerAllGradients, setupBackend } from './index.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

describe('registerAllGradients', () => {
  beforeAll(async () => {
    await setupBackend({ prefer: 'cpu' });
  });

  it('makes the gradients that the Node entry of tfjs-core lacks visible to `import * as tf`', () => {
    registerAllGradients();
    for (const kernel of ['RealDiv', 'Conv2D', 'MaxPool', 'BatchMatMul', 'FusedBatchNorm', 'GatherV2', 'Relu', 'Softmax']) {
      expect(tf.getGradient(kernel), kernel).toBeDefined();
    }
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.div(tf.square(x), tf.scalar(4))))(tf.tensor1d([1, -2, 3]));
    expect(Array.from(g.dataSync())).toEqual([0.5, -1, 1.5]);
  });

  it('is idempotent and leaves an existing gradient alone', () => {
    const mine = { kernelName: 'Atanh', gradFunc: () => ({}) };
    tf.unregisterGradient('Atanh');
    tf.registerGradient(mine);
    expect(registerAllGradients()).toEqual([]);
    expect(tf.getGradient('Atanh')).toBe(mine);
  });

  it('ships the gradients generated from the installed tfjs-core (scripts/generate-gradients.mjs --check)', async () => {
    await expect(run(process.execPath, ['scripts/generate-gradients.mjs', '--check'], { cwd: packageRoot })).resolves.toBeDefined();
  });

  it('works from an esbuild bundle in plain Node ESM, on the tfjs-core that user code imports', { timeout: 60_000 }, async () => {
    mkdirSync(join(packageRoot, '.cache'), { recursive: true });
    const dir = mkdtempSync(join(packageRoot, '.cache', 'plain-node-'));
    try {
      await build({
        entryPoints: [join(packageRoot, 'src/index.ts')],
        bundle: true,
        format: 'esm',
        platform: 'node',
        packages: 'external',
        outfile: join(dir, 'backends.mjs'),
        logLevel: 'silent',
      });
      writeFileSync(
        join(dir, 'user.mjs'),
        `import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from './backends.mjs';
const choice = await setupBackend({ prefer: 'wasm' });
const x = tf.tensor4d(Array.from({ length: 2 * 5 * 5 * 2 }, (_, i) => (i % 7) / 7), [2, 5, 5, 2]);
const w = tf.variable(tf.ones([3, 3, 2, 4]));
const loss = () => tf.mean(tf.div(tf.relu(tf.conv2d(x, w, 1, 'same')), tf.scalar(3)));
const { grads } = tf.variableGrads(loss);
console.log(JSON.stringify({
  backend: tf.getBackend(),
  name: choice.name,
  realDivGradient: tf.getGradient('RealDiv') !== undefined,
  filterKernel: tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined,
  gradSum: (await tf.sum(grads[w.name]).data())[0],
}));
`,
      );
      const { stdout } = await run(process.execPath, [join(dir, 'user.mjs')], { cwd: dir });
      const out = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
      expect(out).toMatchObject({ backend: 'wasm', name: 'wasm', realDivGradient: true, filterKernel: true });
      expect(out['gradSum']).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
