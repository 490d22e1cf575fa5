import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Hcn, createModel, frameDifferences } from './index.js';
import { skeletonBatch, trainSteps, useBackend } from './test-support/tf.js';

beforeAll(() => useBackend());

describe('hcn', () => {
  it('counts the parameters of the reference HCN.py at its defaults', () => {
    const conv = (i: number, o: number, kh: number, kw: number) => i * o * kh * kw + o;
    const stream = conv(3, 64, 1, 1) + conv(64, 64, 3, 1) + conv(25, 32, 3, 3) + conv(32, 64, 3, 3);
    const total = 2 * stream + conv(128, 128, 3, 3) + conv(128, 256, 3, 3) + (4096 * 512 + 512) + (512 * 60 + 60);
    expect(total).toBe(2_647_868);
    const model = new Hcn();
    expect(model.numParameters()).toBe(total);
    model.dispose();
  });

  it('has the reference\'s state-dict names and PyTorch shapes', () => {
    const model = new Hcn();
    const dict = model.stateDict({ layout: 'pytorch' });
    const shapes = Object.fromEntries(Object.entries(dict).map(([k, t]) => [k, t.shape]));
    expect(Object.keys(shapes)).toEqual([
      'conv1.0.weight', 'conv1.0.bias', 'conv2.weight', 'conv2.bias', 'conv3.0.weight', 'conv3.0.bias', 'conv4.0.weight', 'conv4.0.bias',
      'conv1m.0.weight', 'conv1m.0.bias', 'conv2m.weight', 'conv2m.bias', 'conv3m.0.weight', 'conv3m.0.bias', 'conv4m.0.weight', 'conv4m.0.bias',
      'conv5.0.weight', 'conv5.0.bias', 'conv6.0.weight', 'conv6.0.bias', 'fc7.0.weight', 'fc7.0.bias', 'fc8.weight', 'fc8.bias',
    ]);
    expect(shapes['conv2.weight']).toEqual([64, 64, 3, 1]);
    expect(shapes['conv3.0.weight']).toEqual([32, 25, 3, 3]);
    expect(shapes['fc7.0.weight']).toEqual([512, 4096]);
    tf.dispose(dict);
    model.dispose();
  });

  it('motion = frame differences resized to T as PyTorch bilinear (align_corners=False)', () => {
    // One joint, one channel, x = [0, 1, 4, 9] (t^2): differences d = [1, 3, 5] on 3 frames.
    // Upsampling 3 -> 4: src = (dst + 0.5) * 3/4 - 0.5 = [-0.125 -> 0 (clamped), 0.625, 1.375, 2.125 -> 2]
    // gives [1, 1 + 0.625*2, 3 + 0.375*2, 5] = [1, 2.25, 3.75, 5].
    const x = tf.tensor4d([0, 1, 4, 9], [1, 4, 1, 1]);
    const y = frameDifferences(x);
    expect(y.shape).toEqual([1, 4, 1, 1]);
    expect(Array.from(y.dataSync())).toEqual([1, 2.25, 3.75, 5]);
    tf.dispose([x, y]);
  });

  it('maps [N, M, T, V, 3] to [N, classes] in train and eval mode', () => {
    const model = new Hcn({ frames: 16, channels: 8, numClasses: 5 });
    const x = skeletonBatch(2, 2, 16, 25, 3, [[0, 1]]);
    for (const training of [true, false]) {
      model.train(training);
      const y = tf.tidy(() => model.call(x));
      expect(y.shape).toEqual([2, 5]);
      y.dispose();
    }
    x.dispose();
    model.dispose();
  });

  it('equals the reference\'s per-person loop with max over persons (eval)', async () => {
    const model = new Hcn({ frames: 16, channels: 8, numClasses: 5 }).eval();
    const x = skeletonBatch(2, 2, 16);
    const folded = tf.tidy(() => model.call(x));
    const loop = tf.tidy(() => {
      const perPerson = tf.unstack(x, 1).map((p) => {
        const stream = (input: tf.Tensor, c1: typeof model.conv1, c2: typeof model.conv2, c3: typeof model.conv3, c4: typeof model.conv4) =>
          c4.call(c3.call(tf.transpose(c2.call(c1.call(input)), [0, 1, 3, 2])));
        const out = tf.concat([
          stream(p, model.conv1, model.conv2, model.conv3, model.conv4),
          stream(frameDifferences(p), model.conv1m, model.conv2m, model.conv3m, model.conv4m),
        ], 3);
        return model.conv6.call(model.conv5.call(out));
      });
      const merged = tf.maximum(perPerson[0]!, perPerson[1]!);
      const flat = tf.reshape(tf.transpose(merged, [0, 3, 1, 2]), [2, -1]);
      return model.fc8.call(model.fc7.call(flat));
    });
    const [a, b] = [await folded.data(), await loop.data()];
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    tf.dispose([folded, loop, x]);
    model.dispose();
  });

  it('one Adam step lowers the loss on a fixed batch', async () => {
    const model = createModel('hcn', { frames: 16, channels: 8, numClasses: 4, dropout: 0 });
    const x = skeletonBatch(4, 2, 16, 25, 3, [[1, 1]]);
    const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
    const [before, after] = await trainSteps(model, x, labels, 1, 1e-3);
    expect(after).toBeLessThan(before);
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('state dict round trip gives the same outputs', async () => {
    const x = skeletonBatch(2, 2, 16);
    const a = new Hcn({ frames: 16, channels: 8, seed: 1 }).eval();
    const b = new Hcn({ frames: 16, channels: 8, seed: 2 }).eval();
    const dict = a.stateDict({ layout: 'pytorch' });
    b.loadStateDict(dict, { layout: 'pytorch' });
    tf.dispose(dict);
    const [ya, yb] = [tf.tidy(() => a.call(x)), tf.tidy(() => b.call(x))];
    expect(Array.from(await ya.data())).toEqual(Array.from(await yb.data()));
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });
});
