import * as tf from '@tensorflow/tfjs-core';

/**
 * Checks that `x` is a skeleton batch [N, M, T, V, C] (persons, frames, joints, coordinates) of the
 * sizes a model was built for; the error names the model and the expected shape.
 */
export function assertSkeletonBatch(model: string, x: tf.Tensor, expected: { frames?: number; joints: number; channels: number; persons?: number }): void {
  const [, m, t, v, c] = x.shape;
  const ok = x.rank === 5
    && v === expected.joints
    && c === expected.channels
    && (expected.frames === undefined || t === expected.frames)
    && (expected.persons === undefined || m === expected.persons);
  if (!ok) {
    const want = `[N, ${expected.persons ?? 'M'}, ${expected.frames ?? 'T'}, ${expected.joints}, ${expected.channels}]`;
    throw new Error(`${model}: expected a skeleton batch ${want} (N, persons, frames, joints, xyz), got [${x.shape}]`);
  }
}
