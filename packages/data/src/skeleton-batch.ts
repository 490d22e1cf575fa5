import * as tf from '@tensorflow/tfjs-core';
import type { SkeletonSample } from './skeleton-sample.js';

/**
 * A batch of packed samples as tensors, persons last-but-one of the batch dims as DESIGN.md says.
 * Owns its tensors: call `dispose()` when done (datasets dispose batches they drop).
 */
export interface SkeletonBatch {
  /** `[N, M, T, V, C]` float32. */
  readonly x: tf.Tensor5D;
  /** `[N]` int32 labels, 0-based. */
  readonly y: tf.Tensor1D;
  /** `[N, M]` float32: 1 where the person slot is real. */
  readonly mask: tf.Tensor2D;
  /** Sample names, `[N]`. */
  readonly names: readonly string[];
  /** N. */
  readonly size: number;
  /** Disposes `x`, `y` and `mask`. */
  dispose(): void;
}

/**
 * Stacks samples of one shape into a {@link SkeletonBatch}: one copy into one Float32Array, then one
 * tensor (no per-sample tensors).
 *
 * @throws RangeError naming the first sample whose `[M, T, V, C]` differs from the first one's.
 */
export function collateSkeletons(samples: readonly SkeletonSample[]): SkeletonBatch {
  const first = samples[0];
  if (!first) throw new RangeError('collateSkeletons: expected at least one sample');
  const { persons: M, frames: T, joints: V, channels: C } = first;
  const size = M * T * V * C;
  const n = samples.length;
  const data = new Float32Array(n * size);
  const labels = new Int32Array(n);
  const masks = new Float32Array(n * M);
  samples.forEach((s, i) => {
    if (s.persons !== M || s.frames !== T || s.joints !== V || s.channels !== C || s.data.length !== size) {
      throw new RangeError(
        `collateSkeletons: sample ${s.name} (#${i}) has shape [${s.persons}, ${s.frames}, ${s.joints}, ${s.channels}], expected [${M}, ${T}, ${V}, ${C}] like ${first.name}`,
      );
    }
    data.set(s.data, i * size);
    labels[i] = s.label;
    for (let m = 0; m < M; m++) masks[i * M + m] = s.personMask[m] ?? 0;
  });
  const x = tf.tensor5d(data, [n, M, T, V, C], 'float32');
  const y = tf.tensor1d(labels, 'int32');
  const mask = tf.tensor2d(masks, [n, M], 'float32');
  return {
    x,
    y,
    mask,
    names: samples.map((s) => s.name),
    size: n,
    dispose() {
      tf.dispose([x, y, mask]);
    },
  };
}
