import { recalibrate } from '@skelnorm/norm';
import { disposeBatch, type Batch, type BatchStream } from './batch.js';
import type { Recalibrator, RecalibrateSetting } from './fit-options.js';

/**
 * The recalibrator a `fit` option asks for: `true` or `{ maxBatches }` is PreciseBN from
 * `@skelnorm/norm` (population statistics over the calibration batches, per person slot where the
 * layer keeps slots); a function is used as given; `false`/undefined is none.
 */
export function resolveRecalibrator(setting: RecalibrateSetting | undefined): Recalibrator | undefined {
  if (!setting) return undefined;
  if (typeof setting === 'function') return setting;
  const options = setting === true ? {} : setting;
  return (model, batches) => recalibrate(model, batches, options.maxBatches === undefined ? {} : { maxBatches: options.maxBatches });
}

/** Yields each batch and disposes it once the consumer moves on (or stops). */
export async function* disposingEach(stream: BatchStream): AsyncGenerator<Batch, void, undefined> {
  for await (const batch of stream) {
    try {
      yield batch;
    } finally {
      disposeBatch(batch);
    }
  }
}
