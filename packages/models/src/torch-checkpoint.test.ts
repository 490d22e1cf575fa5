import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { StateDictError, readSafetensors, skeletonBatchFromTorch, writeSafetensors, type WriteEntry } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeedCnn, StGcn, createModel, exportTorchCheckpoint, loadTorchCheckpoint, modelFromCheckpoint } from './index.js';
import { goldenDir, skeletonBatch, toleranceRatio, useBackend } from './test-support/tf.js';

beforeAll(() => useBackend());

const nonorm = () => readFileSync(join(goldenDir(), 'seed_model_nonorm.safetensors'));

describe('PyTorch checkpoints (safetensors)', () => {
  it('loads PyTorch weights (prefix initial.) and reproduces PyTorch\'s outputs', async () => {
    const bytes = nonorm();
    const model = createModel('seed-cnn', { norm: 'none', dropout: 0 }).eval();
    const { metadata } = loadTorchCheckpoint(model, bytes, { prefix: 'initial.', strict: false, source: 'seed_model_nonorm.safetensors' });
    expect(metadata['name']).toBe('seed_model_nonorm');
    const file = readSafetensors(bytes);
    const input = file.tensors['steps.0.input']!;
    const expected = file.tensors['steps.0.output']!;
    const y = tf.tidy(() => model.call(skeletonBatchFromTorch(tf.tensor(input.data, input.shape))));
    expect(toleranceRatio(await y.data(), expected.data)).toBeLessThanOrEqual(1);
    y.dispose();
    model.dispose();
  });

  it('lists missing, unexpected and mis-shaped keys and names the source; the model stays unchanged', async () => {
    const model = new SeedCnn({ norm: 'batch' });
    const before = await model.conv1.at(0).namedParameters()[0]![1].data();
    let error: unknown;
    try {
      // The no-norm file into a batch-norm model: BatchNorm keys missing, steps.* unexpected.
      loadTorchCheckpoint(model, nonorm(), { source: 'seed_model_nonorm.safetensors' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    const e = error as StateDictError;
    expect(e.message).toMatch(/from seed_model_nonorm.safetensors/);
    expect(e.missingKeys).toContain('conv1.1.running_mean');
    expect(e.missingKeys).toContain('conv1.0.weight'); // present only as initial.conv1.0.weight
    expect(e.unexpectedKeys).toContain('steps.0.input');
    expect(Array.from(await model.conv1.at(0).namedParameters()[0]![1].data())).toEqual(Array.from(before));

    const small = new SeedCnn({ norm: 'none', numClasses: 10 });
    expect(() => loadTorchCheckpoint(small, nonorm(), { prefix: 'initial.' })).toThrow(/mis-shaped keys \(2\):\n {2}fc2\.0\.weight: expected \[512,10\].*got \[512,60\]/);
    model.dispose();
    small.dispose();
  });

  it('strips the module. prefix of nn.DataParallel checkpoints', async () => {
    const model = new SeedCnn({ norm: 'none', numClasses: 3 });
    const dict = model.stateDict({ layout: 'pytorch' });
    const entries: Record<string, WriteEntry> = {};
    for (const [k, t] of Object.entries(dict)) entries[`module.${k}`] = { shape: t.shape, data: Float32Array.from(await t.data()) };
    tf.dispose(dict);
    const other = new SeedCnn({ norm: 'none', numClasses: 3, seed: 9 });
    expect(loadTorchCheckpoint(other, writeSafetensors(entries))).toMatchObject({ missingKeys: [], unexpectedKeys: [] });
    const [a, b] = [model.fc2.at(0).namedParameters()[0]![1], other.fc2.at(0).namedParameters()[0]![1]];
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    model.dispose();
    other.dispose();
  });

  it('exports in PyTorch layout and rebuilds the model from the checkpoint\'s metadata', async () => {
    const x = skeletonBatch(2, 2, 8);
    const model = new StGcn({ width: 'small', numClasses: 5, seed: 4 });
    tf.tidy(() => model.call(x));
    model.eval();
    const bytes = await exportTorchCheckpoint(model, { note: 'test' });
    const file = readSafetensors(bytes);
    expect(file.metadata).toMatchObject({ model: 'stgcn', note: 'test' });
    expect(JSON.parse(file.metadata['config']!)).toMatchObject({ width: 'small', numClasses: 5, seed: 4 });
    expect(file.tensors['st_gcn_networks.0.tcn.0.num_batches_tracked']?.fileDtype).toBe('I64');
    expect(file.tensors['fcn.weight']?.shape).toEqual([5, 64, 1, 1]);
    const rebuilt = modelFromCheckpoint(bytes).eval();
    const [ya, yb] = [tf.tidy(() => model.call(x)), tf.tidy(() => rebuilt.call(x))];
    expect(Array.from(await yb.data())).toEqual(Array.from(await ya.data()));
    tf.dispose([x, ya, yb]);
    model.dispose();
    rebuilt.dispose();
  });

  it('says what is missing when a checkpoint has no model metadata', () => {
    expect(() => modelFromCheckpoint(nonorm(), 'seed_model_nonorm.safetensors')).toThrow(/seed_model_nonorm.safetensors: no 'model' in the safetensors metadata/);
  });

  it.each([
    ['a NaN weight', 'conv1.0.weight', Number.NaN, /conv1\.0\.weight\[2\] = NaN/],
    ['an infinite bias', 'fc2.0.bias', Number.POSITIVE_INFINITY, /fc2\.0\.bias\[2\] = Infinity/],
    ['a negative running_var', 'conv2.1.running_var', -1, /conv2\.1\.running_var\[2\] = -1 \(a variance must be >= 0\)/],
  ])('refuses a checkpoint with %s, naming the file and the tensor', async (_case, key, value, message) => {
    const model = new SeedCnn({ numClasses: 4, frames: 16 });
    const file = readSafetensors(await exportTorchCheckpoint(model));
    file.tensors[key]!.data[2] = value;
    const entries: Record<string, WriteEntry> = Object.fromEntries(
      Object.entries(file.tensors).map(([name, raw]) => [name, { fileDtype: raw.fileDtype === 'I64' ? 'I64' : raw.fileDtype === 'I32' ? 'I32' : 'F32', shape: raw.shape, data: raw.data }]),
    );
    const bytes = writeSafetensors(entries, file.metadata);
    expect(() => modelFromCheckpoint(bytes, 'bad.safetensors')).toThrow(new RegExp(`bad\\.safetensors: 1 tensor with invalid values: ${message.source}`));
    model.dispose();
  });
});
