import type { Module } from '@skelnorm/nn';
import { invalidStatistics, observeBatchNorms, writeStatistics, type NormBatch, type StatisticsPassOptions } from './statistics-pass.js';

export type RecalibrateOptions<B> = StatisticsPassOptions<B>;

/** What `recalibrate` wrote, per layer and slot. */
export interface RecalibrationResult {
  /** Batches used. */
  batches: number;
  layers: {
    /** Dotted path, e.g. `conv1.1`. */
    name: string;
    kind: string;
    /** Values per channel that went into each slot's statistics (slot 0 only for single-statistics layers). */
    slots: { slot: number; count: number; updated: boolean }[];
  }[];
}

/**
 * PreciseBN (Wu & Johnson 2021, https://arxiv.org/abs/2105.07576): replaces the running statistics
 * of every BatchNorm that tracks them by exact population statistics over `batches`, without
 * touching any weight, then restores every module's mode.
 *
 * During one pass the BatchNorm layers run in training mode (each normalizes with its batch
 * statistics, as in training, so downstream layers see their training-time inputs) and every other
 * module in eval mode (no dropout). For each layer, per channel over all its inputs:
 *
 *   running_mean = sum(x) / n,   running_var = sum((x - running_mean)^2) / (n - 1)
 *
 * with n every value the layer saw: each batch weighted by its element count (not averaged per
 * batch), the variance unbiased as PyTorch stores it; masked layers count only valid samples. A
 * per-slot layer gets each slot's statistics from the calls with that `context.slot`. A layer that
 * is called several times per forward pass without per-slot statistics gets the pooled blend of all
 * its calls: `repair` is the fix for that. `num_batches_tracked` is left unchanged. Layers that saw
 * no value keep their statistics (reported with `updated: false`).
 *
 * `batches`: an iterable or async iterable of `tf.Tensor` or `{ x, mask?, slot? }` (or anything,
 * with `options.forward`); the caller owns and disposes them. Each batch needs more than one value
 * per channel at every layer (batch size >= 2 for BatchNorm1d).
 */
export async function recalibrate<B = NormBatch>(
  model: Module,
  batches: Iterable<B> | AsyncIterable<B>,
  options: RecalibrateOptions<B> = {},
): Promise<RecalibrationResult> {
  const observation = await observeBatchNorms(model, batches, options);
  const tracked = observation.layers.filter(({ layer }) => layer.trackRunningStats);
  // Every layer's statistics are checked before any is written: a NaN in one leaves the model as it was.
  for (const { path, layer, pooled, bySlot } of tracked) {
    const sets = layer.perSlot ? [...bySlot.values()] : [pooled];
    for (const moments of sets) {
      if (moments.count > 0 && invalidStatistics(moments.mean, moments.variance(true)) !== undefined) {
        throw new Error(`recalibrate: ${path || '(model)'}: the statistics of its input are not finite; a weight or input before this layer holds NaN or Infinity, so nothing was written`);
      }
    }
  }
  const layers = tracked.map(({ path, layer, pooled, bySlot }) => ({
    name: path,
    kind: layer.kind,
    slots: layer.perSlot
      ? Array.from({ length: layer.numSlots }, (_, slot) => {
          const moments = bySlot.get(slot);
          return { slot, count: moments?.count ?? 0, updated: moments ? writeStatistics(layer, slot, moments) : false };
        })
      : [{ slot: 0, count: pooled.count, updated: writeStatistics(layer, 0, pooled) }],
  }));
  return { batches: observation.batches, layers };
}
