import * as tf from '@tensorflow/tfjs-core';

/**
 * Tensor helpers for the person axis of `[N, M, ...]` batches: the two persons of a sample go
 * through the same layers as separate batch entries, then are merged back by element-wise max (the
 * seed model's scheme; ST-GCN averages instead).
 */

/**
 * `[N, M, ...rest]` -> `[N*M, ...rest]`: persons folded into the batch, sample-major (entry
 * `n * M + m` is person `m` of sample `n`).
 */
export function foldPersons<R extends tf.Rank>(x: tf.Tensor): tf.Tensor<R> {
  if (x.rank < 2) throw new RangeError(`foldPersons: expected x of rank >= 2 ([N, M, ...]), got shape [${x.shape}]`);
  const [n, m, ...rest] = x.shape;
  return tf.reshape<tf.Rank>(x, [n! * m!, ...rest]) as tf.Tensor<R>;
}

/** `[N*M, ...rest]` -> `[N, M, ...rest]`: the inverse of {@link foldPersons}. */
export function unfoldPersons<R extends tf.Rank>(x: tf.Tensor, persons: number): tf.Tensor<R> {
  checkFolded(x, persons, 'unfoldPersons');
  const [nm, ...rest] = x.shape;
  return tf.reshape<tf.Rank>(x, [nm! / persons, persons, ...rest]) as tf.Tensor<R>;
}

/** Options of {@link maxMergePersons}. */
export interface MaxMergePersonsOptions {
  /**
   * `[N, M]` person mask (1 real, 0 padding). When given, padded persons do not take part in the
   * max; a sample with no real person gives zeros. Default: every person takes part.
   */
  readonly mask?: tf.Tensor;
}

/**
 * Per-person features back to one per sample by element-wise max over the persons:
 * `[N*M, ...rest]` -> `[N, ...rest]`, `y[n] = max_m x[n * M + m]`.
 */
export function maxMergePersons<R extends tf.Rank>(x: tf.Tensor, persons: number, options: MaxMergePersonsOptions = {}): tf.Tensor<R> {
  checkFolded(x, persons, 'maxMergePersons');
  return tf.tidy(() => {
    const unfolded = unfoldPersons(x, persons);
    const { mask } = options;
    if (!mask) return tf.max(unfolded, 1) as tf.Tensor<R>;
    const n = x.shape[0]! / persons;
    if (mask.rank !== 2 || mask.shape[0] !== n || mask.shape[1] !== persons) {
      throw new RangeError(`maxMergePersons: expected mask of shape [${n}, ${persons}], got [${mask.shape}]`);
    }
    const keep = tf.reshape(tf.greater(mask, 0), [n, persons, ...x.shape.slice(1).map(() => 1)]);
    const lowest = tf.fill(unfolded.shape, -Infinity, unfolded.dtype);
    const merged = tf.max(tf.where(tf.broadcastTo(keep, unfolded.shape), unfolded, lowest), 1);
    const any = tf.reshape(tf.any(tf.greater(mask, 0), 1), [n, ...x.shape.slice(1).map(() => 1)]);
    return tf.where(tf.broadcastTo(any, merged.shape), merged, tf.zerosLike(merged)) as tf.Tensor<R>;
  });
}

/**
 * Which person slots of a `[N, M, T, V, C]` batch are real: float32 `[N, M]`, 1 where any
 * coordinate of the person is non-zero.
 */
export function personMask(x: tf.Tensor): tf.Tensor2D {
  if (x.rank < 3) throw new RangeError(`personMask: expected x of rank >= 3 ([N, M, ...]), got shape [${x.shape}]`);
  return tf.tidy(() => {
    const [n, m] = x.shape;
    const flat = tf.reshape(x, [n!, m!, -1]);
    return tf.cast(tf.any(tf.notEqual(flat, 0), 2), 'float32') as tf.Tensor2D;
  });
}

function checkFolded(x: tf.Tensor, persons: number, where: string): void {
  if (!Number.isInteger(persons) || persons < 1) throw new RangeError(`${where}: persons must be a positive integer, got ${persons}`);
  if (x.rank < 1 || x.shape[0]! % persons !== 0) {
    throw new RangeError(`${where}: expected x of shape [N*${persons}, ...], got [${x.shape}] (first dimension not a multiple of ${persons})`);
  }
}
