// Replays every seed_model_*.safetensors in SKELNORM_GOLDEN_DIR (default ../shared/golden): PyTorch's
// own outputs and BatchNorm buffers for the seed model, against createModel('seed-cnn').
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensors, safetensorsToTensors, skeletonBatchFromTorch } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, loadTorchCheckpoint } from '../index.js';
import { setupBackend } from '@skelnorm/backends';
import { goldenDir, toleranceRatio } from '../test-support/tf.js';

const dir = goldenDir();
const files = readdirSync(dir).filter((f) => /^seed_model_.*\.safetensors$/.test(f)).sort();

interface SeedConfig {
  numClass: number;
  normalization: 'batchnorm' | 'none';
  bnMomentum: number | null;
  dropout: number;
}

describe.each(['cpu', 'wasm'] as const)('seed model against PyTorch (%s)', (backend) => {
  beforeAll(async () => {
    await setupBackend({ prefer: backend });
  });

  it('finds the golden files', () => {
    expect(files.length, `no seed_model_*.safetensors in ${dir}`).toBeGreaterThanOrEqual(2);
  });

  for (const name of files) {
    it(name, async () => {
      const bytes = readFileSync(join(dir, name));
      const file = readSafetensors(bytes, name);
      const config = JSON.parse(file.metadata['config'] ?? 'null') as SeedConfig;
      const modes = JSON.parse(file.metadata['modes'] ?? 'null') as ('train' | 'eval')[];
      const norms = { batchnorm: 'batch', none: 'none' } as const;
      const norm = norms[config.normalization];
      if (!norm) throw new Error(`${name}: unknown normalization '${config.normalization}'`);
      const model = createModel('seed-cnn', {
        norm,
        personMode: 'per-person',
        bnMomentum: config.bnMomentum ?? 0.01,
        dropout: 0,
        numClasses: config.numClass,
      });
      loadTorchCheckpoint(model, bytes, { prefix: 'initial.', strict: false, source: name });
      // strict: false skips steps.* / final.*; that every model key came from the file is checked here:
      const initial = Object.keys(file.tensors).filter((k) => k.startsWith('initial.')).map((k) => k.slice(8)).sort();
      const own = Object.keys(Object.fromEntries([...model.namedParameters(), ...model.namedBuffers()])).sort();
      expect(own).toEqual(initial);

      modes.forEach((mode, k) => {
        model.train(mode === 'train');
        const input = file.tensors[`steps.${k}.input`];
        const expected = file.tensors[`steps.${k}.output`];
        if (!input || !expected) throw new Error(`${name}: steps.${k} missing`);
        const y = tf.tidy(() => model.call(skeletonBatchFromTorch(tf.tensor(input.data, input.shape))));
        expect(y.shape, `${name} step ${k}`).toEqual(expected.shape);
        expect(toleranceRatio(y.dataSync(), expected.data), `${name} step ${k} (${mode}) output`).toBeLessThanOrEqual(1);
        y.dispose();
      });

      const final = safetensorsToTensors(file, 'final.');
      const buffers = Object.fromEntries(model.namedBuffers());
      for (const [key, want] of Object.entries(final)) {
        const got = buffers[key];
        expect(got, `${name}: buffer ${key}`).toBeDefined();
        if (key.endsWith('num_batches_tracked')) expect(got!.arraySync(), key).toBe(want.arraySync());
        else expect(toleranceRatio(await got!.data(), await want.data()), `${name}: ${key}`).toBeLessThanOrEqual(1);
      }
      tf.dispose(final);
      model.dispose();
    });
  }
});
