import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dropout, Module, type ForwardContext } from '@skelnorm/nn';
import { evaluate } from './index.js';
import { useCpu } from './test-support/tf.js';

beforeAll(useCpu);

/** Its input is the logits; records the mode it ran in; in training mode bumps a buffer. */
class Logits extends Module {
  readonly modes: boolean[] = [];
  readonly counter = this.registerBuffer('counter', tf.scalar(0));
  readonly drop = this.registerModule('drop', new Dropout({ p: 0.5 }));
  forward(x: tf.Tensor, _context: ForwardContext): tf.Tensor {
    this.modes.push(this.training);
    if (this.training) this.counter.assign(tf.add(this.counter, 1));
    return this.drop.call(x, _context);
  }
}

// 4 samples, 6 classes. Rows are logits; labels 0, 1, 2, 0.
const LOGITS = [
  [5, 1, 0, 0, 0, 0], //  label 0: top-1 hit
  [6, 1, 2, 3, 4, 5], //  label 1: rank 6 (five logits above it) -> top-5 miss
  [0, 9, 1, 0, 0, 0], //  label 2: rank 2 -> top-5 hit, predicted 1
  [0, 0, 0, 0, 0, 0], //  label 0: all tied; argMax -> 0, nothing strictly above -> hit
];
const LABELS = [0, 1, 2, 0];

function batches() {
  return [
    { x: tf.tensor2d(LOGITS.slice(0, 3)), y: tf.tensor1d(LABELS.slice(0, 3), 'int32') },
    { x: tf.tensor2d(LOGITS.slice(3)), y: tf.tensor1d(LABELS.slice(3), 'int32') },
  ];
}

/** -log softmax(row)[label], in float64. */
function nll(row: number[], label: number): number {
  const max = Math.max(...row);
  const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  return lse - (row[label] as number);
}

describe('evaluate', () => {
  it('measures loss, top-1, top-5, per-class accuracy and the confusion matrix, in eval mode', async () => {
    const model = new Logits();
    model.train();
    const before = tf.memory().numTensors;
    const r = await evaluate(model, batches(), { numClasses: 6 });
    expect(model.modes).toEqual([false, false]);
    expect(model.training).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.count).toBe(4);
    expect(r.top1).toBe(2 / 4);
    expect(r.top5).toBe(3 / 4);
    const loss = LOGITS.reduce((s, row, i) => s + nll(row, LABELS[i] as number), 0) / 4;
    expect(r.loss).toBeCloseTo(loss, 5);
    expect(r.confusion[0]).toEqual([2, 0, 0, 0, 0, 0]);
    expect(r.confusion[1]).toEqual([1, 0, 0, 0, 0, 0]);
    expect(r.confusion[2]).toEqual([0, 1, 0, 0, 0, 0]);
    expect(r.perClassCount).toEqual([2, 1, 1, 0, 0, 0]);
    expect(r.perClassAccuracy.slice(0, 3)).toEqual([1, 0, 0]);
    expect(r.perClassAccuracy.slice(3).every(Number.isNaN)).toBe(true);
    model.dispose();
  });

  it('with batchStatistics runs in training mode without dropout and restores the buffers', async () => {
    const model = new Logits();
    model.eval();
    const r = await evaluate(model, batches(), { batchStatistics: true });
    expect(model.modes).toEqual([true, true]);
    expect(r.top1).toBe(2 / 4); // dropout off, or the logits would change
    expect(r.numClasses).toBe(6);
    expect(model.counter.dataSync()[0]).toBe(0);
    expect(model.training).toBe(false);
    expect(model.drop.training).toBe(false);
    model.dispose();
  });

  it('refuses a label the model has no output for instead of inventing top-1/top-5 numbers', async () => {
    const model = new Logits();
    const bad = [{ x: tf.tensor2d([[1, 0, 0], [0, 1, 0]]), y: tf.tensor1d([1, 4], 'int32') }];
    await expect(evaluate(model, bad, { numClasses: 6 })).rejects.toThrow(/label 4 of batch sample 1 is outside the model's 3 classes \[0, 3\)/);
  });
});
