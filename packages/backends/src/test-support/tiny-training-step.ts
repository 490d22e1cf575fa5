// A tiny conv + dense classifier with fixed weights and input, and one SGD step: small enough
// for SwiftShader, large enough to run conv2d, its two gradients, relu, matMul (both transposed
// forms), softmax cross-entropy and the optimizer's update kernels.
import * as tf from '@tensorflow/tfjs-core';

/** Losses before and after one SGD step, and the updated conv filter. */
export interface TinyStepResult {
  readonly backend: string;
  readonly lossBefore: number;
  readonly lossAfter: number;
  readonly filterAfter: number[];
}

/** Fixed values in [-0.5, 0.5): a hand-checkable sequence rather than a random one. */
const ramp = (n: number, phase: number): number[] => Array.from({ length: n }, (_, i) => (((i * 7 + phase) % 11) / 11) - 0.5);

/** Runs the step on tfjs's active backend; reads with `await data()` (WebGPU has no dataSync in Node). */
export async function runTinyTrainingStep(): Promise<TinyStepResult> {
  const x = tf.tensor4d(ramp(2 * 4 * 5 * 1, 1), [2, 4, 5, 1]);
  const labels = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);
  const filter = tf.variable(tf.tensor4d(ramp(3 * 3 * 1 * 2, 2), [3, 3, 1, 2]));
  const bias = tf.variable(tf.tensor1d([0.05, -0.05]));
  const dense = tf.variable(tf.tensor2d(ramp(40 * 3, 3), [40, 3]));
  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      const h = tf.relu(tf.add(tf.conv2d(x, filter, 1, 'same'), bias));
      const logits = tf.matMul(tf.reshape(h, [2, 40]), dense);
      return tf.losses.softmaxCrossEntropy(labels, logits);
    });
  const optimizer = tf.train.sgd(0.5);
  const before = optimizer.minimize(loss, true, [filter, bias, dense]);
  if (before === null) throw new Error('minimize returned no loss');
  const after = loss();
  const result: TinyStepResult = {
    backend: tf.getBackend(),
    lossBefore: (await before.data())[0] ?? NaN,
    lossAfter: (await after.data())[0] ?? NaN,
    filterAfter: Array.from(await filter.data()),
  };
  tf.dispose([x, labels, filter, bias, dense, before, after]);
  optimizer.dispose();
  return result;
}
