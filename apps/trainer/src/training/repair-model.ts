import * as tf from '@tensorflow/tfjs-core';
import { createModel, type SkeletonModel } from '@skelnorm/models';
import { repair, type DiagnosisReport } from '@skelnorm/norm';
import type { BatchStream } from '@skelnorm/trainer';
import { disposingBatches } from './training-data.js';

export interface ModelRepair {
  /** The repaired model (the same object: `repair` replaces layers inside it). */
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
export async function repairModel(model: SkeletonModel, batches: () => BatchStream): Promise<ModelRepair> {
  const result = await repair(model, disposingBatches(batches()));
  const changes = [
    ...result.converted.map((c) => `${c.name}: ${c.from} -> ${c.to} (${c.numSlots} slots), population statistics per person slot`),
    ...result.recalibrated.map((name) => `${name}: running statistics replaced by population statistics (PreciseBN)`),
    ...result.skipped.map((s) => `${s.name}: not repaired (${s.reason})`),
  ];
  if (changes.length === 0) changes.push('nothing to change (no BatchNorm with running statistics)');
  const options: Record<string, unknown> = { ...model.config };
  if (result.converted.length > 0 && model.modelName === 'seed-cnn' && options.personMode === 'per-person') options.personMode = 'per-person-stats';
  return { model: result.model as SkeletonModel, options, before: result.before, changes };
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
