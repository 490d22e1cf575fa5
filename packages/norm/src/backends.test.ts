// The layers beyond PyTorch (masked, per-slot) have no golden files: check that they give the cpu
// backend's numbers, forward and backward, on wasm too (the golden suite covers the others).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { MaskedBatchNorm2d, SlotBatchNorm1d } from './index.js';
import { toleranceRatio, useBackend, useCpu, values, type TestBackend } from './test-support/tf.js';

afterAll(useCpu);

async function run(backend: TestBackend): Promise<number[][]> {
  await useBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  const out: number[][] = [];
  const masked = new MaskedBatchNorm2d({ numFeatures: 3, momentum: null });
  const slotted = new SlotBatchNorm1d({ numFeatures: 3, numSlots: 2 });
  for (const [layer, context, shape] of [
    [masked, { mask: tf.tensor1d([1, 0, 1, 1]) }, [4, 3, 2, 3]],
    [slotted, { slot: 1 }, [4, 5, 3]],
  ] as const) {
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    const x = tf.variable(tf.tensor(Array.from({ length: size }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 3)), [...shape]));
    const g = tf.tensor(Array.from({ length: x.size }, (_, i) => Math.cos(i)), x.shape);
    for (const mode of [true, false]) {
      layer.train(mode);
      let y: tf.Tensor | undefined;
      const { grads } = tf.variableGrads(() => {
        y = tf.keep(tf.clone(layer.call(x, context)));
        return tf.sum(tf.mul(y, g)) as tf.Scalar;
      }, [x, layer.weight!, layer.bias!]);
      out.push(await values(y!), await values(grads[x.name]!), await values(grads[layer.weight!.name]!));
    }
    out.push(await values(layer.statistics(context.slot ?? 0).runningVar));
  }
  return out;
}

describe('masked and per-slot BatchNorm on wasm', () => {
  it('match cpu forward, backward and statistics', async () => {
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    cpu.forEach((expected, i) => expect(toleranceRatio(wasm[i]!, expected), `quantity ${i}`).toBeLessThanOrEqual(1));
  });
});
