import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@skelnorm/backends';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, MaskedBatchNorm2d, SlotBatchNorm2d, recalibrate, type BatchNormBase, type MultiplicityContext } from './index.js';
import { toleranceRatio, useBackend, type TestBackend } from './test-support/tf.js';

// The reference is the dense layer on the expanded batch: row i of the compact batch repeated
// counts[i] times. Compact and dense must agree in output (each copy), statistics, running
// buffers and gradients (a compact row's input gradient = the sum over its copies).
const COUNTS = [1, 3, 1, 2];
const expandIndex = COUNTS.flatMap((c, i) => new Array<number>(c).fill(i));

type Make = () => BatchNormBase;
const LAYERS: [string, Make, number[]][] = [
  ['BatchNorm2d', () => new BatchNorm2d({ numFeatures: 3, momentum: 0.3 }), [4, 5, 2, 3]],
  ['BatchNorm2d, cumulative, no affine', () => new BatchNorm2d({ numFeatures: 3, momentum: null, affine: false }), [4, 2, 3, 3]],
  ['BatchNorm1d [N, C]', () => new BatchNorm1d({ numFeatures: 6 }), [4, 6]],
  ['MaskedBatchNorm2d', () => new MaskedBatchNorm2d({ numFeatures: 3 }), [4, 5, 2, 3]],
  ['SlotBatchNorm2d, slot 1', () => new SlotBatchNorm2d({ numFeatures: 3, numSlots: 2 }), [4, 5, 2, 3]],
  ['BatchNorm2d without running statistics', () => new BatchNorm2d({ numFeatures: 3, trackRunningStats: false }), [4, 5, 2, 3]],
];

describe.each(['cpu', 'wasm'] as TestBackend[])('a BatchNorm call with a multiplicity equals the dense call on the expanded batch (%s)', (backend) => {
  // setupBackend: wasm needs @skelnorm/backends' UnsortedSegmentSum for the gradient of gather.
  beforeAll(() => setupBackend({ prefer: backend }));
  afterAll(() => useBackend('cpu'));

  it.each(LAYERS)('%s', async (_name, make, shape) => {
    const channels = shape[shape.length - 1]!;
    // Row 1 (3 copies) is a constant per channel, as an absent person's first conv output is.
    const x = tf.tidy(() => {
      const r = tf.mul(tf.randomNormal(shape, 0.5, 1, 'float32', 7), tf.range(1, channels + 1));
      const constant = tf.mul(tf.ones([1, ...shape.slice(1)]), tf.linspace(-0.7, 0.4, channels));
      return tf.concat([tf.slice(r, [0], [1]), constant, tf.slice(r, [2], [2])]);
    });
    const mask = tf.tensor1d([1, 0, 1, 1]); // the constant row is the padding, as in a model
    const counts = tf.tensor1d(COUNTS);
    const dense = tf.gather(x, expandIndex);
    const probe = tf.randomNormal([expandIndex.length, ...shape.slice(1)], 0, 1, 'float32', 9);
    const run = (layer: BatchNormBase, compact: boolean) => {
      const context: MultiplicityContext = {
        slot: 1,
        mask: compact ? mask : tf.gather(mask, expandIndex),
        ...(compact ? { multiplicity: { counts, total: expandIndex.length } } : {}),
      };
      const input = tf.variable(compact ? x : dense);
      const variables = [input, ...layer.parameters()];
      const { value, grads } = tf.variableGrads(() => {
        const y = layer.call(input, context);
        return tf.sum(tf.mul(compact ? tf.gather(y, expandIndex) : y, probe));
      }, variables);
      const ordered = variables.map((v, i) => {
        const g = grads[v.name]!;
        return i === 0 && !compact ? tf.unsortedSegmentSum(g, tf.tensor1d(expandIndex, 'int32'), COUNTS.length) : g;
      });
      input.dispose();
      return { value, grads: ordered, buffers: layer.namedBuffers().map(([, b]) => b) };
    };
    const a = make();
    const b = make();
    const got = run(a, true);
    const want = run(b, false);
    expect(toleranceRatio(await got.value.data(), await want.value.data()), 'output').toBeLessThanOrEqual(1);
    expect(got.grads.length).toBe(want.grads.length);
    for (let i = 0; i < got.grads.length; i++) {
      expect(toleranceRatio(await got.grads[i]!.data(), await want.grads[i]!.data()), `gradient ${i}`).toBeLessThanOrEqual(1);
    }
    for (let i = 0; i < got.buffers.length; i++) {
      expect(toleranceRatio(await got.buffers[i]!.data(), await want.buffers[i]!.data()), a.namedBuffers()[i]![0]).toBeLessThanOrEqual(1);
    }
    tf.dispose([x, mask, counts, dense, probe, got.value, want.value, ...got.grads, ...want.grads]);
    a.dispose();
    b.dispose();
  });
});

describe('multiplicity checks and statistics passes', () => {
  beforeAll(() => useBackend('cpu'));

  it('rejects counts that do not match the rows or a total below them', () => {
    const layer = new BatchNorm2d({ numFeatures: 2 });
    const x = tf.ones([3, 2, 2, 2]);
    const bad: MultiplicityContext[] = [
      { multiplicity: { counts: tf.ones([2]), total: 3 } },
      { multiplicity: { counts: tf.ones([3]), total: 2 } },
    ];
    expect(() => layer.call(x, bad[0])).toThrow(/expected counts of shape \[3\]/);
    expect(() => layer.call(x, bad[1])).toThrow(/total must be an integer >= the number of rows \(3\)/);
    tf.dispose([x, ...bad.map((c) => c.multiplicity!.counts)]);
    layer.dispose();
  });

  it('a single compact row of many copies is batch statistics over more than one value', () => {
    const layer = new BatchNorm1d({ numFeatures: 2 });
    const x = tf.tensor2d([[1, 2]]);
    const counts = tf.tensor1d([4]);
    const y = layer.call(x, { multiplicity: { counts, total: 4 } } as MultiplicityContext);
    // Four equal samples: variance 0, the output is the bias (0) exactly.
    expect(Array.from(y.dataSync())).toEqual([0, 0]);
    expect(() => layer.call(x)).toThrow(/more than 1 value per channel/);
    tf.dispose([x, counts, y]);
    layer.dispose();
  });

  it('recalibrate (PreciseBN) counts compact rows with their multiplicity', async () => {
    const x = tf.tidy(() => tf.concat([tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 3), tf.fill([1, 3, 3, 2], 0.25)]));
    const counts = tf.tensor1d([1, 1, 5]);
    const dense = tf.gather(x, [0, 1, 2, 2, 2, 2, 2]);
    const [a, b] = [new BatchNorm2d({ numFeatures: 2 }), new BatchNorm2d({ numFeatures: 2 })];
    await recalibrate(a, [x], { forward: (m, batch) => m.call(batch, { multiplicity: { counts, total: 7 } } as MultiplicityContext) });
    await recalibrate(b, [dense]);
    expect(toleranceRatio(await a.runningMean!.data(), await b.runningMean!.data())).toBeLessThanOrEqual(1);
    expect(toleranceRatio(await a.runningVar!.data(), await b.runningVar!.data())).toBeLessThanOrEqual(1);
    tf.dispose([x, counts, dense]);
    a.dispose();
    b.dispose();
  });
});
