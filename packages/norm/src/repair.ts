import type { Module } from '@skelnorm/nn';
import type { BatchNormBase } from './batch-norm-base.js';
import { buildDiagnosis, type DiagnoseOptions, type DiagnosisReport } from './diagnose.js';
import { toSlotBatchNorm } from './slot-batch-norm.js';
import { observeBatchNorms, writeStatistics, type LayerObservation, type NormBatch } from './statistics-pass.js';

export interface RepairOptions<B> extends DiagnoseOptions<B> {
  /**
   * 'all' (default): also give every other BatchNorm that tracks statistics exact population
   * statistics (PreciseBN), which fixes stale ones. 'converted': touch only the converted layers.
   */
  recalibrate?: 'all' | 'converted';
}

export interface RepairResult {
  /** The repaired model: the same object, or a new layer when `model` itself was a shared BatchNorm. */
  readonly model: Module;
  /** The diagnosis before the repair (from the same pass). */
  readonly before: DiagnosisReport;
  /** Layers converted to per-slot statistics, with the slots that got statistics. */
  readonly converted: { name: string; from: string; to: string; numSlots: number; slots: number[] }[];
  /** Other layers whose running statistics were replaced by population statistics. */
  readonly recalibrated: string[];
  /** Shared layers that could not be converted, and why. */
  readonly skipped: { name: string; reason: string }[];
}

/**
 * Repairs BatchNorm's train/eval gap without retraining. One pass over `batches` (as `diagnose`);
 * every layer diagnosed 'shared-between-distributions' (one set of statistics serving several call
 * sites, e.g. one per person) is replaced by a per-slot layer (`toSlotBatchNorm`, numSlots = highest
 * `context.slot` seen + 1) whose slot k gets the exact population statistics of the calls made with
 * `context.slot = k` (mean, unbiased variance; `num_batches_tracked` kept). Weights are untouched.
 * Plain recalibration of such a layer would only reproduce the blend; this is the repair that makes
 * eval mode normalize each person as training did. With `recalibrate: 'all'` the other layers get
 * `recalibrate`'s exact statistics from the same pass.
 *
 * The model must pass `context.slot` on each call of a shared layer (a per-person loop calling with
 * `{ slot: personIndex }`); layers whose calls carry no slot are reported in `skipped`.
 */
export async function repair<B = NormBatch>(
  model: Module,
  batches: Iterable<B> | AsyncIterable<B>,
  options: RepairOptions<B> = {},
): Promise<RepairResult> {
  const observation = await observeBatchNorms(model, batches, options);
  const before = await buildDiagnosis(observation, options);
  const converted: RepairResult['converted'] = [];
  const recalibrated: string[] = [];
  const skipped: RepairResult['skipped'] = [];
  let root = model;
  observation.layers.forEach((obs, i) => {
    const verdict = before.layers[i]?.verdict;
    if (verdict === 'shared-between-distributions') {
      const reason = whyNotConvertible(obs);
      if (reason) {
        skipped.push({ name: obs.path, reason });
        return;
      }
      const numSlots = Math.max(...obs.bySlot.keys()) + 1;
      const slotted = toSlotBatchNorm(obs.layer, numSlots);
      const slots = [...obs.bySlot].filter(([slot, moments]) => writeStatistics(slotted, slot, moments)).map(([slot]) => slot);
      if (obs.path === '') root = slotted;
      else model.replaceModule(obs.path, slotted);
      obs.layer.dispose();
      converted.push({ name: obs.path, from: obs.layer.kind, to: slotted.kind, numSlots, slots: slots.sort((a, b) => a - b) });
      return;
    }
    if ((options.recalibrate ?? 'all') === 'all' && obs.layer.trackRunningStats && writeAll(obs)) recalibrated.push(obs.path);
  });
  return { model: root, before, converted, recalibrated, skipped };
}

function whyNotConvertible(obs: LayerObservation): string | undefined {
  if (obs.unslottedCalls > 0) {
    return 'the model calls this layer without context.slot; pass { slot: personIndex } on each person\'s call so that each call site can get its own statistics';
  }
  if (obs.bySlot.size < 2) return 'all calls carry the same context.slot; give each call site its own slot';
  return undefined;
}

/** Exact statistics for a layer that keeps its type: per slot for per-slot layers, pooled otherwise. */
function writeAll(obs: LayerObservation): boolean {
  const layer: BatchNormBase = obs.layer;
  if (!layer.perSlot) return writeStatistics(layer, 0, obs.pooled);
  let any = false;
  for (const [slot, moments] of obs.bySlot) if (slot < layer.numSlots && writeStatistics(layer, slot, moments)) any = true;
  return any;
}
