import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '@skelnorm/nn';
import { CHECKPOINT_FORMAT, createOptimizer, encodeCheckpoint, loadCheckpointWeights, readTrainerState, type TrainerState } from '../index.js';
import { useCpu } from '../test-support/tf.js';
import { FEATURES, TinyNet } from '../test-support/tiny.js';

beforeAll(useCpu);

describe('checkpoint format', () => {
  it('holds PyTorch-layout weights under model., optimizer slots under optimizer., and the trainer state', async () => {
    const model = Object.assign(new TinyNet(4, 8, 1), { modelName: 'tiny', config: { hidden: 8 } });
    const optimizer = createOptimizer(model.namedParameters(), { name: 'sgd', lr: 0.1, momentum: 0.9 });
    const grads = Object.fromEntries(model.namedParameters().map(([n, v]) => [n, tf.onesLike(v)]));
    optimizer.step(grads);
    tf.dispose(Object.values(grads));
    const state: TrainerState = {
      format: CHECKPOINT_FORMAT, epoch: 1, step: 0, globalStep: 1, epochs: 2, seed: 0,
      optimizer: { spec: optimizer.spec, stepCount: 1 }, labelSmoothing: 0, rng: {}, model: { name: 'tiny', options: { hidden: 8 } }, savedAt: 'now',
    };
    const files = await encodeCheckpoint(model, optimizer, state);
    const file = readSafetensors(files.safetensors);
    expect(file.tensors['model.fc1.weight']?.shape).toEqual([8, FEATURES]); // PyTorch's (out, in)
    expect(file.tensors['optimizer.fc1.weight.momentum_buffer']?.shape).toEqual([FEATURES, 8]);
    expect(file.metadata['model']).toBe('tiny');
    expect(JSON.parse(files.json)).toEqual(state);
    expect(readTrainerState(files.safetensors)).toEqual(state);

    const copy = new TinyNet(4, 8, 77);
    expect(loadCheckpointWeights(copy, files.safetensors)).toEqual(state);
    const x = tf.randomUniform([3, 2, 4, 3, 3]);
    const [a, b] = [model.call(x), copy.call(x)];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    optimizer.dispose();
    model.dispose();
    copy.dispose();
  });

  it('rejects plain weights and truncated files with a message naming the source', () => {
    expect(() => readTrainerState(new Uint8Array(4), 'run/x.safetensors')).toThrow(/run\/x.safetensors: too short/);
  });
});
