import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy, readSafetensors } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_NORMS, PERSON_MODES, SeedCnn, createModel, seedCnnFeatures } from './index.js';
import { goldenDir, skeletonBatch, trainSteps, useBackend } from './test-support/tf.js';

beforeAll(() => useBackend());

const T = 16; // small inputs keep the cpu backend fast; T only changes fc1's width

describe('seed-cnn', () => {
  it('counts the parameters of the PyTorch definition', () => {
    // Conv2d: in*out*3*3 + out; Linear: in*out + out; BatchNorm: weight + bias (running stats are buffers).
    const conv = 3 * 32 * 9 + 32 + (32 * 64 * 9 + 64) + (64 * 128 * 9 + 128);
    const fc = 3072 * 512 + 512 + (512 * 60 + 60);
    const bn = 2 * (32 + 64 + 128 + 512);
    expect(conv + fc).toBe(1_697_404);
    expect(conv + fc + bn).toBe(1_698_876);
    const expected: Record<string, number> = {
      none: conv + fc, batch: conv + fc + bn, 'masked-batch': conv + fc + bn, layer: conv + fc + bn, group: conv + fc + bn,
      frozen: conv + fc, // all four tensors of FrozenBatchNorm are buffers, as in torchvision
    };
    for (const norm of MODEL_NORMS) {
      const model = new SeedCnn({ norm });
      expect(model.numParameters(), norm).toBe(expected[norm]);
      model.dispose();
    }
    expect(seedCnnFeatures(64)).toBe(3072);
    expect(seedCnnFeatures(16)).toBe(128 * 2 * 3);
  });

  it('uses the seed\'s PyTorch state-dict names and shapes (golden file header)', () => {
    const file = readSafetensors(readFileSync(join(goldenDir(), 'seed_model_bn.safetensors')), 'seed_model_bn.safetensors');
    const reference = Object.entries(file.tensors)
      .filter(([k]) => k.startsWith('initial.'))
      .map(([k, t]) => [k.slice('initial.'.length), t.shape.join('x')]);
    const model = new SeedCnn({ norm: 'batch' });
    const dict = model.stateDict({ layout: 'pytorch' });
    expect(Object.entries(dict).map(([k, t]) => [k, t.shape.join('x')]).sort()).toEqual(reference.sort());
    tf.dispose(dict);
    model.dispose();
  });

  it('maps [N, M, T, 25, 3] to [N, classes] in every norm and person mode', () => {
    const x = skeletonBatch(3, 2, T, 25, 3, [[0, 1]]);
    for (const norm of MODEL_NORMS) {
      for (const personMode of PERSON_MODES) {
        if (personMode === 'per-person-stats' && norm !== 'batch' && norm !== 'masked-batch') {
          expect(() => new SeedCnn({ norm, personMode, frames: T })).toThrow(/needs norm 'batch' or 'masked-batch'/);
          continue;
        }
        const model = new SeedCnn({ norm, personMode, frames: T, numClasses: 7 });
        for (const mode of ['train', 'eval'] as const) {
          model.train(mode === 'train');
          const y = tf.tidy(() => model.call(x));
          expect(y.shape, `${norm}/${personMode}/${mode}`).toEqual([3, 7]);
          expect(Number.isFinite(tf.tidy(() => tf.sum(tf.abs(y)).arraySync() as number))).toBe(true);
          y.dispose();
        }
        model.dispose();
      }
    }
    x.dispose();
  });

  it('rejects a batch of the wrong shape with the expected one', () => {
    const model = new SeedCnn({ frames: T });
    const bad = tf.zeros([2, T, 25, 3]);
    expect(() => model.call(bad)).toThrow(/expected a skeleton batch \[N, 2, 16, 25, 3\].*got \[2,16,25,3\]/);
    bad.dispose();
    model.dispose();
  });

  it('per-person calls the shared BatchNorm once per person; folded once per step', () => {
    const x = skeletonBatch(2, 2, T);
    for (const [personMode, calls] of [['per-person', 2], ['folded', 1]] as const) {
      const model = new SeedCnn({ personMode, frames: T });
      tf.tidy(() => model.call(x));
      const buffers = Object.fromEntries(model.namedBuffers());
      expect(buffers['conv1.1.num_batches_tracked']?.arraySync(), personMode).toBe(calls);
      expect(buffers['fc1.1.num_batches_tracked']?.arraySync(), personMode).toBe(1);
      model.dispose();
    }
    x.dispose();
  });

  it('per-person-stats: slot k holds the statistics of a plain BatchNorm fed only person k', async () => {
    const x = skeletonBatch(3, 2, T, 25, 3, [[0, 1], [2, 1]]);
    const slots = new SeedCnn({ personMode: 'per-person-stats', frames: T, seed: 3 });
    tf.tidy(() => slots.call(x));
    const mine = Object.fromEntries(slots.namedBuffers());
    for (const k of [0, 1]) {
      const plain = new SeedCnn({ personMode: 'per-person', persons: 1, frames: T, seed: 3 });
      tf.tidy(() => plain.call(tf.slice(x, [0, k], [3, 1])));
      const theirs = Object.fromEntries(plain.namedBuffers());
      for (const layer of ['conv1.1', 'conv2.1', 'conv3.1']) {
        const a = await mine[`${layer}.running_mean_slot${k}`]!.data();
        const b = await theirs[`${layer}.running_mean`]!.data();
        expect(maxAbsDiff(a, b), `${layer} slot ${k}`).toBeLessThan(1e-5);
      }
      plain.dispose();
    }
    slots.dispose();
    x.dispose();
  });

  it('masked-batch: BatchNorm statistics come from the present persons only (also per slot)', async () => {
    // Sample 0 has no second person. References: plain BatchNorm fed exactly the present persons.
    const x = skeletonBatch(2, 2, T, 25, 3, [[0, 1]]);
    const person = (n: number, m: number) => tf.reshape(tf.slice(x, [n, m], [1, 1]), [1, T, 25, 3]);
    const compare = async (masked: SeedCnn, plain: SeedCnn) => {
      const a = Object.fromEntries(masked.namedBuffers());
      const b = Object.fromEntries(plain.namedBuffers());
      for (const key of ['conv1.1.running_mean', 'conv1.1.running_var', 'conv3.1.running_mean', 'conv3.1.running_var', 'conv3.1.num_batches_tracked']) {
        expect(maxAbsDiff(await a[key]!.data(), await b[key]!.data()), key).toBeLessThan(1e-5);
      }
    };
    // folded: one call over the 3 present persons
    const folded = new SeedCnn({ norm: 'masked-batch', personMode: 'folded', frames: T, seed: 5 });
    tf.tidy(() => folded.call(x));
    const plainFolded = new SeedCnn({ norm: 'batch', frames: T, seed: 5 });
    tf.tidy(() => convStack(plainFolded, tf.concat([person(0, 0), person(1, 0), person(1, 1)])));
    await compare(folded, plainFolded);
    // per-person: call 1 over both first persons, call 2 over the one present second person
    const perPerson = new SeedCnn({ norm: 'masked-batch', personMode: 'per-person', frames: T, seed: 5 });
    tf.tidy(() => perPerson.call(x));
    const plainPerPerson = new SeedCnn({ norm: 'batch', frames: T, seed: 5 });
    tf.tidy(() => convStack(plainPerPerson, tf.concat([person(0, 0), person(1, 0)])));
    tf.tidy(() => convStack(plainPerPerson, person(1, 1)));
    await compare(perPerson, plainPerPerson);
    // per-person-stats: slot 0 from the first persons, slot 1 from the one present second person
    const slotted = new SeedCnn({ norm: 'masked-batch', personMode: 'per-person-stats', frames: T, seed: 5 });
    tf.tidy(() => slotted.call(x));
    const firsts = new SeedCnn({ norm: 'batch', frames: T, seed: 5 });
    tf.tidy(() => convStack(firsts, tf.concat([person(0, 0), person(1, 0)])));
    const seconds = new SeedCnn({ norm: 'batch', frames: T, seed: 5 });
    tf.tidy(() => convStack(seconds, person(1, 1)));
    const s = Object.fromEntries(slotted.namedBuffers());
    for (const [slot, reference] of [[0, firsts], [1, seconds]] as const) {
      const r = Object.fromEntries(reference.namedBuffers());
      for (const key of ['conv1.1.running_mean', 'conv2.1.running_var', 'conv3.1.running_mean']) {
        expect(maxAbsDiff(await s[`${key}_slot${slot}`]!.data(), await r[key]!.data()), `${key}_slot${slot}`).toBeLessThan(1e-5);
      }
    }
    [folded, plainFolded, perPerson, plainPerPerson, slotted, firsts, seconds].forEach((m) => m.dispose());
    x.dispose();
  });

  it('always-on dropout stays active in eval mode; standard dropout does not', () => {
    const x = skeletonBatch(2, 2, T);
    const outputs = (dropoutKind: 'standard' | 'always-on') => {
      const model = new SeedCnn({ norm: 'none', frames: T, dropout: 0.5, dropoutKind }).eval();
      const [a, b] = [tf.tidy(() => model.call(x)), tf.tidy(() => model.call(x))];
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).arraySync() as number);
      tf.dispose([a, b]);
      model.dispose();
      return diff;
    };
    expect(outputs('standard')).toBe(0);
    expect(outputs('always-on')).toBeGreaterThan(0);
    x.dispose();
  });

  it('the same seed gives the same weights; another seed other weights', () => {
    const [a, b, c] = [new SeedCnn({ seed: 1 }), new SeedCnn({ seed: 1 }), new SeedCnn({ seed: 2 })];
    const w = (m: SeedCnn) => m.conv2.at(0).namedParameters()[0]![1];
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(w(a), w(b)))).arraySync())).toBe(0);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(w(a), w(c)))).arraySync())).toBeGreaterThan(0);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('one Adam step lowers the loss on a fixed batch (batch norm, folded)', async () => {
    const model = createModel('seed-cnn', { frames: T, personMode: 'folded', dropout: 0, numClasses: 5 });
    const x = skeletonBatch(4, 2, T, 25, 3, [[1, 1]]);
    const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
    const [before, after] = await trainSteps(model, x, labels, 1, 1e-3);
    expect(after).toBeLessThan(before);
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('state dict round trip: a fresh model loaded with the state dict gives the same eval outputs', async () => {
    const x = skeletonBatch(2, 2, T, 25, 3, [[0, 1]]);
    for (const options of [{ norm: 'batch' }, { norm: 'group' }, { norm: 'batch', personMode: 'per-person-stats' }] as const) {
      const a = new SeedCnn({ ...options, frames: T, seed: 1 });
      tf.tidy(() => a.call(x)); // move the running statistics away from their init
      a.eval();
      const b = new SeedCnn({ ...options, frames: T, seed: 2 }).eval();
      const dict = a.stateDict({ layout: 'pytorch' });
      b.loadStateDict(dict, { layout: 'pytorch' });
      tf.dispose(dict);
      const [ya, yb] = [tf.tidy(() => a.call(x)), tf.tidy(() => b.call(x))];
      expect(maxAbsDiff(await ya.data(), await yb.data()), options.norm).toBe(0);
      tf.dispose([ya, yb]);
      a.dispose();
      b.dispose();
    }
    x.dispose();
  });

  it('every norm and person mode gives finite gradients to every parameter', () => {
    const x = skeletonBatch(2, 2, 8, 25, 3, [[0, 1]]);
    const labels = tf.tensor1d([0, 1], 'int32');
    for (const norm of MODEL_NORMS) {
      for (const personMode of PERSON_MODES) {
        if (personMode === 'per-person-stats' && norm !== 'batch') continue;
        const model = new SeedCnn({ norm, personMode, frames: 8, numClasses: 3 });
        const { value, grads } = tf.variableGrads(() => crossEntropy(model.call(x), labels), model.parameters());
        const names = model.namedParameters();
        expect(Object.keys(grads).length, `${norm}/${personMode}`).toBe(names.length);
        for (const [name, variable] of names) {
          const finite = tf.tidy(() => tf.all(tf.isFinite(grads[variable.name]!)).arraySync());
          expect(finite, `${norm}/${personMode}: ${name}`).toBe(1);
        }
        tf.dispose([value, grads]);
        model.dispose();
      }
    }
    tf.dispose([x, labels]);
  });

  it('does not leak tensors over a training step', async () => {
    const model = new SeedCnn({ frames: T, norm: 'batch', personMode: 'per-person', dropout: 0.2 });
    const x = skeletonBatch(2, 2, T, 25, 3, [[0, 1]]);
    const labels = tf.tensor1d([0, 1], 'int32');
    await trainSteps(model, x, labels, 1); // creates the optimizer's slots once
    const optimizer = tf.train.sgd(0.01);
    const before = tf.memory().numTensors;
    optimizer.minimize(() => tf.tidy(() => tf.mean(model.call(x))) as tf.Scalar, false, model.parameters());
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    tf.dispose([x, labels]);
    model.dispose();
  });
});

/** The shared conv stack alone, as one call: [B, T, V, 3] -> [B, T/8, 3, 128]. */
function convStack(model: SeedCnn, input: tf.Tensor): tf.Tensor {
  return model.conv3.call(model.conv2.call(model.conv1.call(input)));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return a.length === b.length ? worst : Infinity;
}
