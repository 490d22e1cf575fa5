// PyTorch parity: every step of every `*.json` in SKELNORM_GOLDEN_DIR (default ../shared/golden),
// on the cpu and wasm backends. Forward, gradients of loss = sum(output * gradOutput) with respect
// to input, weight and bias, running statistics and num_batches_tracked, at 1e-4 rel / 1e-5 abs.
// A file whose op has no harness fails; `*.safetensors` (the seed model) are replayed by
// packages/models/src/golden, in the same `npm run golden`.
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchNormBase } from '../index.js';
import { GOLDEN_OPS, fromGolden, goldenDir, goldenJsonFiles, initialState, readGolden, type GoldenTensor } from '../test-support/golden.js';
import { toleranceRatio, useBackend, useCpu, type TestBackend } from '../test-support/tf.js';

const dir = goldenDir();
const files = existsSync(dir) ? goldenJsonFiles(dir) : [];

it(`finds golden *.json files in ${dir}`, () => {
  expect(existsSync(dir), `golden folder ${dir} is missing (set SKELNORM_GOLDEN_DIR)`).toBe(true);
  expect(files.length).toBeGreaterThan(0);
});

for (const backend of ['cpu', 'wasm'] as const satisfies readonly TestBackend[]) {
  describe(`PyTorch golden files on ${backend}`, () => {
    beforeAll(() => useBackend(backend));
    afterAll(useCpu);

    for (const file of files) {
      it(file, async () => {
        expect(tf.getBackend()).toBe(backend);
        const golden = readGolden(file, dir);
        const build = GOLDEN_OPS[golden.op];
        if (!build) {
          throw new Error(`${file}: unknown op '${golden.op}' (known: ${Object.keys(GOLDEN_OPS).join(', ')}): add a harness for it`);
        }
        const before = tf.memory().numTensors;
        for (const c of build(golden)) {
          const where = (step: number, what: string) => `${file} [${c.label}, ${backend}] step ${step} (${golden.steps[step]?.mode}): ${what}`;
          const state = initialState(golden, c);
          c.layer.loadStateDict(state);
          tf.dispose(Object.values(state));
          for (const [i, step] of golden.steps.entries()) {
            c.layer.train(step.mode === 'train');
            const input = tf.tidy(() => c.activation(fromGolden(step.input)));
            const x = tf.variable(input);
            input.dispose();
            const gradOutput = tf.tidy(() => c.activation(fromGolden(step.gradOutput)));
            const params = [c.layer.weight, c.layer.bias].filter((p): p is tf.Variable => p !== undefined && p.trainable);
            let output: tf.Tensor | undefined;
            const { value, grads } = tf.variableGrads(() => {
              const y = c.layer.call(x);
              output = tf.keep(tf.clone(y));
              return tf.sum(tf.mul(y, gradOutput)) as tf.Scalar;
            }, [x, ...params]);
            const check = async (what: string, actual: tf.Tensor | undefined, expected: GoldenTensor | undefined, convert: (t: tf.Tensor) => tf.Tensor) => {
              if (!expected) return;
              expect(actual, where(i, `${what} missing`)).toBeDefined();
              const want = tf.tidy(() => convert(fromGolden(expected)));
              expect(actual!.shape, where(i, `${what} shape`)).toEqual(want.shape);
              expect(toleranceRatio(await actual!.data(), await want.data()), where(i, what)).toBeLessThanOrEqual(1);
              want.dispose();
            };
            await check('output', output, step.output, c.activation);
            await check('gradInput', grads[x.name], step.gradInput, c.activation);
            await check('gradWeight', c.layer.weight && grads[c.layer.weight.name], step.gradWeight, c.parameter);
            await check('gradBias', c.layer.bias && grads[c.layer.bias.name], step.gradBias, c.parameter);
            if (step.runningMean || step.runningVar || step.numBatchesTracked !== undefined) {
              expect(c.layer, where(i, 'running statistics on a layer without them')).toBeInstanceOf(BatchNormBase);
              const bn = c.layer as unknown as BatchNormBase;
              await check('runningMean', bn.runningMean, step.runningMean, (t) => t);
              await check('runningVar', bn.runningVar, step.runningVar, (t) => t);
              expect((await bn.numBatchesTracked!.data())[0], where(i, 'numBatchesTracked')).toBe(step.numBatchesTracked);
              expect(bn.numBatchesTracked!.dtype).toBe('int32');
            }
            tf.dispose([x, gradOutput, value, output!, ...Object.values(grads)]);
          }
          c.layer.dispose();
        }
        expect(tf.memory().numTensors, `${file}: tensors leaked`).toBe(before);
      });
    }
  });
}
