import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Module, type ForwardContext } from '@skelnorm/nn';
import { averageClipLogits, evaluate } from './index.js';
import { useCpu } from './test-support/tf.js';

beforeAll(useCpu);

/** Its input is the logits. */
class Logits extends Module {
  forward(x: tf.Tensor, _context: ForwardContext): tf.Tensor {
    return tf.clone(x);
  }
}

describe('multi-clip testing', () => {
  it('averages each sample\'s clip logits, sample-major', async () => {
    const logits = tf.tensor2d([[1, 0], [3, 4], [0, 2], [2, 0]]);
    const mean = averageClipLogits(logits, 2);
    // sample 0: ([1, 0] + [3, 4]) / 2, sample 1: ([0, 2] + [2, 0]) / 2
    expect(await mean.array()).toEqual([[2, 2], [1, 1]]);
    expect(() => averageClipLogits(logits, 3)).toThrow(/4 rows of logits are not 3 clips per sample/);
    tf.dispose([logits, mean]);
  });

  it('lets evaluate score a sample by its clips\' mean, not by any one clip', async () => {
    // Sample 0 (label 1): clip 0 says class 0 (2 vs 1), clip 1 says class 1 strongly (0 vs 4): mean [1, 2.5] -> 1.
    // Sample 1 (label 0): clips [3, 0] and [0, 1]: mean [1.5, 0.5] -> 0. Each single clip set alone gets one wrong.
    const batch = { x: tf.tensor2d([[2, 1], [0, 4], [3, 0], [0, 1]]), y: tf.tensor1d([1, 0], 'int32'), clips: 2 };
    const result = await evaluate(new Logits(), [batch]);
    expect(result.count).toBe(2);
    expect(result.top1).toBe(1);
    const lse = (a: number, b: number) => Math.log(Math.exp(a) + Math.exp(b));
    expect(result.loss).toBeCloseTo((lse(1, 2.5) - 2.5 + lse(1.5, 0.5) - 1.5) / 2, 5);
  });
});
