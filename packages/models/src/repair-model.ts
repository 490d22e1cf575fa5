import { repair, type NormBatch, type RepairOptions, type RepairResult } from '@skelnorm/norm';
import { rebuildModel, type SkeletonModel } from './registry.js';

export interface ModelRepairResult extends RepairResult {
  /** The repaired model: the input changed in place, or a rebuilt one (the input is then disposed). */
  readonly model: SkeletonModel;
  /** `createModel(model.modelName, options)` rebuilds the repaired model's architecture and state-dict layout. */
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * `repair` from @skelnorm/norm for a zoo model, with the model-specific half: when the repair gives
 * a layer per-slot statistics, the result must still be a model that `createModel` can rebuild
 * from options (so a saved file loads again). A per-person seed CNN whose conv BatchNorms became
 * per-slot is exactly a `per-person-stats` seed CNN: it is rebuilt as one, with the same weights and
 * each slot's statistics. `options` as `repair`'s (`validate` decides the candidate by its effect).
 */
export async function repairModel<B = NormBatch>(
  model: SkeletonModel,
  batches: Iterable<B> | AsyncIterable<B>,
  options: RepairOptions<B> = {},
): Promise<ModelRepairResult> {
  const result = await repair(model, batches, options);
  const repaired = result.model as SkeletonModel;
  if (result.converted.length === 0) return { ...result, model: repaired, options: { ...repaired.config } };
  const rebuiltOptions = perSlotOptions(repaired);
  let rebuilt: SkeletonModel;
  try {
    rebuilt = rebuildModel(repaired, rebuiltOptions);
  } catch (error) {
    throw new Error(
      `repair: the repaired ${repaired.modelName} (per-slot: ${result.converted.map((c) => c.name).join(', ')}) does not match a ` +
        `${JSON.stringify(rebuiltOptions)} model: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  repaired.dispose();
  return { ...result, model: rebuilt, options: rebuiltOptions };
}

/** The options of the architecture that keeps per-slot statistics where `model` shares a layer between persons. */
function perSlotOptions(model: SkeletonModel): Record<string, unknown> {
  if (model.modelName === 'seed-cnn' && model.config.personMode === 'per-person') return { ...model.config, personMode: 'per-person-stats' };
  throw new Error(`repair: ${model.modelName} ${JSON.stringify(model.config)} has no per-slot configuration to rebuild the repaired model from`);
}
