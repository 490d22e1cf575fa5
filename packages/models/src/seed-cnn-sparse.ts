import * as tf from '@tensorflow/tfjs-core';
import { personMaskOf } from '@skelnorm/data';
import type { ForwardContext } from '@skelnorm/nn';
import type { MultiplicityContext } from '@skelnorm/norm';

/**
 * Person-sparse execution. Every absent (all-zero) person of a batch goes through the shared conv
 * stack as the same constant input, so it comes out as the same feature map at every layer: one
 * representative computes it for all of them. Its BatchNorm statistics count it with its
 * multiplicity (`SampleMultiplicity` in @skelnorm/norm), and a gather expands the computed rows back
 * to the full batch, whose backward sums the copies' gradients: the numbers of the dense
 * computation, for a fraction of the convolutions (in NTU about 5 samples in 6 have no second person).
 */

/** Which rows of a batch of persons to compute, and how they stand for the full batch. */
export interface PersonCompaction {
  /** Rows of the full batch to compute, ascending: every present person and the first absent one. */
  readonly rows: readonly number[];
  /** Multiplicity of each computed row: 1, and the number of absent persons for the representative. */
  readonly counts: readonly number[];
  /** For every row of the full batch, the computed row that stands for it. */
  readonly expand: readonly number[];
}

/**
 * The compaction of a batch of persons with presence `present` (1 present, 0 absent, one per row);
 * undefined when fewer than two persons are absent (nothing would be saved).
 */
export function compactAbsentPersons(present: ArrayLike<number>): PersonCompaction | undefined {
  const rows: number[] = [];
  const counts: number[] = [];
  const expand: number[] = [];
  let representative = -1;
  let absent = 0;
  for (let i = 0; i < present.length; i++) {
    if (present[i] !== 0) {
      expand.push(rows.length);
      rows.push(i);
      counts.push(1);
      continue;
    }
    absent++;
    if (representative < 0) {
      representative = rows.length;
      rows.push(i);
      counts.push(0);
    }
    expand.push(representative);
  }
  if (absent < 2) return undefined;
  counts[representative] = absent;
  return { rows, counts, expand };
}

/** Backends whose tensors live in host memory: reading the presence back costs nothing there. */
const HOST_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

/**
 * Which persons of `x` [N, M, T, V, C] are present (any value not 0, as `personMask`), sample-major
 * ([n * M + m], as `foldPersons` orders them), read back to the host: the compacted shapes depend on
 * it. One read of x, scanned by `personMaskOf` (each person until its first value that is not 0: a
 * present person stops at once); tfjs's notEqual, any and cast took ~2.5 ms of a batch-32 step on wasm. Undefined on a GPU backend, where a synchronous read would stall the
 * queue (and WebGPU cannot read synchronously at all): the dense path computes the same numbers.
 */
export function readPersonPresence(x: tf.Tensor): Float32Array | undefined {
  if (!HOST_BACKENDS.has(tf.getBackend())) return undefined;
  if (x.rank < 3) throw new RangeError(`readPersonPresence: expected x of rank >= 3 ([N, M, ...]), got shape [${x.shape}]`);
  let values: Float32Array;
  try {
    values = x.dataSync() as Float32Array;
  } catch {
    return undefined;
  }
  return Float32Array.from(personMaskOf(values, x.shape[0]! * x.shape[1]!));
}

/**
 * `stack(input, context)` computed only on the rows that `present` keeps, then expanded back to
 * every row of `input` ([B, ...] -> [B, ...]); the plain call when there is nothing to save. A
 * `context.mask` ([B]) is compacted with the rows.
 */
export function callPersonSparse(
  stack: (input: tf.Tensor, context: ForwardContext) => tf.Tensor,
  input: tf.Tensor,
  present: ArrayLike<number>,
  context: ForwardContext,
): tf.Tensor {
  const plan = compactAbsentPersons(present);
  if (plan === undefined) return stack(input, context);
  const rows = tf.tensor1d(plan.rows as number[], 'int32');
  const compactContext: MultiplicityContext = {
    ...context,
    ...(context.mask ? { mask: tf.gather(context.mask, rows) } : {}),
    multiplicity: { counts: tf.tensor1d(plan.counts as number[], 'float32'), total: plan.expand.length },
  };
  const maps = stack(tf.gather(input, rows), compactContext);
  return tf.gather(maps, tf.tensor1d(plan.expand as number[], 'int32'));
}
