import * as tf from '@tensorflow/tfjs-core';

/**
 * The person axis of a skeleton batch [N, M, T, V, C]. Absent persons are all-zero, as in NTU
 * packing (50 of the 60 NTU-60 classes have one actor, so the second slot is mostly zeros).
 */

/** Checks the rank and the trailing sizes of a skeleton batch; names the model in the error. */
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

/** 1 where a person slot holds a skeleton, 0 where it is all zeros: [N, M, T, V, C] -> [N, M] float32. */
export function personPresence(x: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.greater(tf.max(tf.abs(x), [2, 3, 4]), 0), 'float32') as tf.Tensor2D);
}

/** Persons into the batch: [N, M, ...rest] -> [N*M, ...rest], sample-major (n0p0, n0p1, n1p0, ...). */
export function foldPersons(x: tf.Tensor): tf.Tensor {
  const [n = 0, m = 0, ...rest] = x.shape;
  return tf.reshape(x, [n * m, ...rest]);
}

/** The inverse of `foldPersons`: [N*M, ...rest] -> [N, M, ...rest]. */
export function unfoldPersons(x: tf.Tensor, persons: number): tf.Tensor {
  const [nm = 0, ...rest] = x.shape;
  if (nm % persons !== 0) throw new Error(`unfoldPersons: batch ${nm} is not a multiple of ${persons} persons`);
  return tf.reshape(x, [nm / persons, persons, ...rest]);
}
