import * as tf from '@tensorflow/tfjs-core';
import { createModel, type SkeletonModel } from '@skelnorm/models';
import { recalibrate, repair, type DiagnosisReport } from '@skelnorm/norm';
import type { BatchStream } from '@skelnorm/trainer';
import { disposingBatches } from './training-data.js';

export interface ModelRepair {
  /** The repaired model (may be a new object; the input is then disposed). */
  readonly model: SkeletonModel;
  /** Model options of the repaired model (the architecture may change: per-slot statistics). */
  readonly options: Record<string, unknown>;
  readonly before: DiagnosisReport;
  /** One line per change. */
  readonly changes: string[];
}

/**
 * `repair` from @skelnorm/norm over the training batches: shared BatchNorms get per-slot
 * statistics, the rest exact population statistics (PreciseBN). Weights are not touched.
 *
 * The seed CNN in `per-person` mode calls its conv stack without `context.slot`, so `repair`
 * cannot tell the persons apart and skips its shared layers. For that model the same repair is
 * done by rebuilding it in `per-person-stats` mode (identical weights; each slot starts from the
 * blended statistics) and recalibrating: each person slot then gets its own population statistics.
 */
export async function repairModel(model: SkeletonModel, batches: () => BatchStream): Promise<ModelRepair> {
  const result = await repair(model, disposingBatches(batches()));
  const changes = [
    ...result.converted.map((c) => `${c.name}: ${c.from} -> ${c.to} (${c.numSlots} slots), population statistics per slot`),
    ...result.recalibrated.map((name) => `${name}: running statistics replaced by population statistics (PreciseBN)`),
  ];
  const options = { ...model.config };
  const needsSlots = result.skipped.length > 0 && model.modelName === 'seed-cnn' && model.config.personMode === 'per-person';
  if (!needsSlots) {
    for (const s of result.skipped) changes.push(`${s.name}: not repaired (${s.reason})`);
    return { model: result.model as SkeletonModel, options, before: result.before, changes };
  }
  const slottedOptions = { ...options, personMode: 'per-person-stats' };
  const slotted = createModel('seed-cnn', slottedOptions);
  copyIntoSlots(model, slotted);
  model.dispose();
  await recalibrate(slotted, disposingBatches(batches()));
  const converted = result.skipped.map((s) => s.name);
  return {
    model: slotted,
    options: slottedOptions,
    before: result.before,
    changes: [
      `${converted.join(', ')}: shared by the persons -> per-person statistics (model rebuilt with personMode 'per-person-stats', same weights), population statistics per slot`,
      'other BatchNorm layers: population statistics (PreciseBN)',
    ],
  };
}

/** Loads `from`'s state into `to`, where `to`'s `running_*_slot{k}` buffers take `from`'s `running_*`. */
function copyIntoSlots(from: SkeletonModel, to: SkeletonModel): void {
  const source = from.stateDict();
  const target = to.stateDict();
  const dict: Record<string, tf.Tensor> = {};
  try {
    for (const key of Object.keys(target)) {
      const plain = key.replace(/_slot\d+$/, '');
      const value = source[key] ?? source[plain];
      if (!value) throw new Error(`repair: no '${plain}' in the model to fill '${key}'`);
      dict[key] = value;
    }
    to.loadStateDict(dict);
  } finally {
    tf.dispose(Object.values(source));
    tf.dispose(Object.values(target));
  }
}
