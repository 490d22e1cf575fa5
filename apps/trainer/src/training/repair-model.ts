import * as tf from '@tensorflow/tfjs-core';
import { createModel, type SkeletonModel } from '@skelnorm/models';
import { recalibrate, repair, type DiagnosisReport } from '@skelnorm/norm';
import type { BatchStream } from '@skelnorm/trainer';
import { disposingBatches } from './training-data.js';

export interface ModelRepair {
  /** The repaired model (the input, changed in place, or a rebuilt one; the input is then disposed). */
  readonly model: SkeletonModel;
  /**
   * Options that rebuild the repaired architecture with `createModel`: a seed CNN whose shared
   * per-person BatchNorms got per-slot statistics is a `per-person-stats` seed CNN.
   */
  readonly options: Record<string, unknown>;
  readonly before: DiagnosisReport;
  /** One line per change. */
  readonly changes: string[];
}

/**
 * `repair` from @skelnorm/norm over the training batches: BatchNorms shared between the persons
 * get per-slot statistics (each person its own population statistics), the others exact population
 * statistics (PreciseBN). Weights are not touched.
 */
export async function repairModel(
  model: SkeletonModel,
  batches: () => BatchStream,
  options: { /** Turn a partly per-slot seed CNN into a `per-person-stats` one, so that it can be saved and rebuilt. Default true. */ readonly rebuildable?: boolean } = {},
): Promise<ModelRepair> {
  const result = await repair(model, disposingBatches(batches()));
  const changes = [
    ...result.converted.map((c) => `${c.name}: ${c.from} -> ${c.to} (${c.numSlots} slots), population statistics per person slot`),
    ...result.recalibrated.map((name) => `${name}: running statistics replaced by population statistics (PreciseBN)`),
    ...result.skipped.map((s) => `${s.name}: not repaired (${s.reason})`),
  ];
  if (changes.length === 0) changes.push('nothing to change (no BatchNorm with running statistics)');
  const repaired = result.model as SkeletonModel;
  const partlySlotted = result.converted.length > 0 && repaired.modelName === 'seed-cnn' && repaired.config.personMode === 'per-person';
  if (!partlySlotted || options.rebuildable === false) {
    return { model: repaired, options: { ...repaired.config }, before: result.before, changes };
  }
  // `repair` converted only the layers it diagnosed as shared. A seed CNN with some per-slot conv
  // BatchNorms is no configuration `createModel` can rebuild, so give every conv BatchNorm per-person
  // statistics: the `per-person-stats` seed CNN, same weights, each slot with its population
  // statistics (for the layers repair left alone this only splits an already exact pooled estimate).
  const slottedOptions = { ...repaired.config, personMode: 'per-person-stats' };
  const slotted = createModel('seed-cnn', slottedOptions);
  copyIntoSlots(repaired, slotted);
  repaired.dispose();
  await recalibrate(slotted, disposingBatches(batches()));
  changes.push("all conv BatchNorms: per-person statistics, so that the repaired model is a 'per-person-stats' seed CNN (same weights)");
  return { model: slotted, options: slottedOptions, before: result.before, changes };
}

/** Loads `from`'s state into `to`; `to`'s `*_slot{k}` buffers take `from`'s per-slot or plain ones. */
function copyIntoSlots(from: SkeletonModel, to: SkeletonModel): void {
  const source = from.stateDict();
  const target = to.stateDict();
  try {
    const dict: Record<string, tf.Tensor> = {};
    for (const key of Object.keys(target)) {
      const value = source[key] ?? source[key.replace(/_slot\d+$/, '')];
      if (!value) throw new Error(`repair: no '${key}' in the repaired model`);
      dict[key] = value;
    }
    to.loadStateDict(dict);
  } finally {
    tf.dispose([...Object.values(source), ...Object.values(target)]);
  }
}

/**
 * Checks that `options` rebuild `model`'s state-dict layout (same keys and shapes), so that a saved
 * file loads again; throws naming the first difference.
 */
export function assertRebuildable(model: SkeletonModel, options: Record<string, unknown>): void {
  const rebuilt = createModel(model.modelName, options);
  const a = model.stateDict();
  const b = rebuilt.stateDict();
  try {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const x = a[key];
      const y = b[key];
      if (!x || !y || x.shape.join() !== y.shape.join()) {
        throw new Error(
          `the repaired ${model.modelName} cannot be rebuilt from its options (${key}: ${x ? x.shape.join('x') : 'missing'} vs ${y ? y.shape.join('x') : 'missing'}); ` +
            'save it with exportTorchCheckpoint and load it into a model you build yourself',
        );
      }
    }
  } finally {
    tf.dispose([...Object.values(a), ...Object.values(b)]);
    rebuilt.dispose();
  }
}
