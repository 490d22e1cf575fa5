import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  readSafetensors,
  safetensorsToTensors,
  skeletonBatchFromTorch,
  tensorsToSafetensors,
  writeSafetensors,
  type ForwardContext,
} from './index.js';
import { goldenDir, toleranceRatio, useCpu } from './test-support/tf.js';

beforeAll(useCpu);

describe('safetensors', () => {
  it('round-trips float32, int32 and int64 with metadata and 8-byte alignment', () => {
    const bytes = writeSafetensors(
      {
        'a.weight': { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 4, 5, 6]) },
        'a.num_batches_tracked': { shape: [], data: Int32Array.from([42]), fileDtype: 'I64' },
        ids: { shape: [3], data: Int32Array.from([-1, 0, 7]) },
      },
      { note: 'hello' },
    );
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const file = readSafetensors(bytes);
    expect(file.metadata).toEqual({ note: 'hello' });
    expect(file.tensors['a.weight']).toMatchObject({ dtype: 'float32', shape: [2, 3], fileDtype: 'F32' });
    expect(Array.from(file.tensors['a.weight']!.data)).toEqual([1, -2, 3.5, 4, 5, 6]);
    expect(file.tensors['a.num_batches_tracked']).toMatchObject({ dtype: 'int32', fileDtype: 'I64', shape: [] });
    expect(Array.from(file.tensors['a.num_batches_tracked']!.data)).toEqual([42]);
    expect(Array.from(file.tensors['ids']!.data)).toEqual([-1, 0, 7]);
  });

  it('names the source in errors for truncated or corrupt files', () => {
    expect(() => readSafetensors(new Uint8Array(4), 'x.safetensors')).toThrow(/x.safetensors: too short/);
    const bytes = writeSafetensors({ w: { shape: [4], data: new Float32Array(4) } });
    expect(() => readSafetensors(bytes.subarray(0, bytes.length - 4), 'cut.safetensors')).toThrow(/cut.safetensors: tensor 'w' offsets/);
    const junk = new Uint8Array(16);
    new DataView(junk.buffer).setBigUint64(0, 8n, true);
    junk.set(new TextEncoder().encode('{oops!!!'), 8);
    expect(() => readSafetensors(junk, 'junk.safetensors')).toThrow(/junk.safetensors: header is not valid JSON/);
  });

  it('writes num_batches_tracked as I64 from tensors', async () => {
    const bytes = await tensorsToSafetensors({ 'bn.num_batches_tracked': tf.scalar(3, 'int32'), 'bn.num_batches_tracked_slot1': tf.scalar(2, 'int32'), w: tf.ones([2]) });
    const file = readSafetensors(bytes);
    expect(file.tensors['bn.num_batches_tracked']?.fileDtype).toBe('I64');
    expect(file.tensors['bn.num_batches_tracked_slot1']?.fileDtype).toBe('I64');
    expect(file.tensors['w']?.fileDtype).toBe('F32');
  });
});

/** The seed model without normalization, built from nn layers only: PyTorch parity of the layers. */
class SeedNoNorm extends Module {
  conv1 = this.registerModule('conv1', block(3, 32));
  conv2 = this.registerModule('conv2', block(32, 64));
  conv3 = this.registerModule('conv3', block(64, 128));
  flatten = this.registerModule('flatten', new Flatten({ order: 'channels-first' }));
  fc1 = this.registerModule('fc1', new Sequential(new Linear({ inFeatures: 3072, outFeatures: 512 }), new ReLU()));
  fc2 = this.registerModule('fc2', new Sequential(new Linear({ inFeatures: 512, outFeatures: 60 })));

  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const persons = tf.unstack(x, 1).map((p) => this.flatten.call(this.conv3.call(this.conv2.call(this.conv1.call(p, context)))));
    return this.fc2.call(this.fc1.call(persons.reduce((a, b) => tf.maximum(a, b))));
  }
}

function block(inChannels: number, outChannels: number): Sequential {
  return new Sequential(new Conv2d({ inChannels, outChannels, kernelSize: 3, padding: 1 }), new ReLU(), new MaxPool2d({ kernelSize: 2 }));
}

describe('PyTorch weight import', () => {
  it('loads the seed model (no norm) from PyTorch and reproduces its outputs', async () => {
    const file = readSafetensors(readFileSync(join(goldenDir(), 'seed_model_nonorm.safetensors')), 'seed_model_nonorm.safetensors');
    const model = new SeedNoNorm().eval();
    const initial = safetensorsToTensors(file, 'initial.');
    model.loadStateDict(initial, { layout: 'pytorch' });
    expect(model.stateDict()['conv1.0.weight']?.shape).toEqual([3, 3, 3, 32]);
    const input = file.tensors['steps.0.input']!;
    const expected = file.tensors['steps.0.output']!;
    const output = tf.tidy(() => model.call(skeletonBatchFromTorch(tf.tensor(input.data, input.shape))));
    expect(output.shape).toEqual(expected.shape);
    expect(toleranceRatio(await output.data(), expected.data)).toBeLessThanOrEqual(1);
    // And back: exporting in PyTorch layout gives the file's own tensors.
    const exported = model.stateDict({ layout: 'pytorch' });
    expect(toleranceRatio(await exported['fc1.0.weight']!.data(), file.tensors['initial.fc1.0.weight']!.data, 0, 1e-30)).toBe(0);
    expect(exported['conv2.0.weight']?.shape).toEqual([64, 32, 3, 3]);
  });
});
