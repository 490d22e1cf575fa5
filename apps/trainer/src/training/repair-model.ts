import { repairModel, type ModelRepairResult, type SkeletonModel } from '@skelnorm/models';
import type { RepairValidator } from '@skelnorm/norm';
import { evaluate } from '@skelnorm/trainer';
import { disposingBatches, mixedBatches, type TrainingData } from './training-data.js';

export interface HeldOutRepair extends ModelRepairResult {
  /** Samples of the training split the candidates were scored on, and the ones their statistics came from. */
  readonly holdout: number;
  readonly statistics: number;
}

/**
 * The doctor's repair on a run's data: candidate statistics from most of the training split, each
 * candidate scored in eval mode on a held-out slice of it (batch statistics with the training batch
 * size, as training normalized), the best kept (`repairModel` from @skelnorm/models). The input
 * model is changed in place or disposed and replaced: use the returned one.
 */
export async function repairOnTrainingData(
  model: SkeletonModel,
  data: TrainingData,
  batchSize: number,
  evalBatchSize: number,
): Promise<HeldOutRepair> {
  const { statistics, holdout } = data.holdoutSplit();
  const validate: RepairValidator = async (m, { batchStatistics }) => {
    const batches = mixedBatches(holdout, batchStatistics ? batchSize : evalBatchSize, { mergeRemainder: true });
    const result = await evaluate(m, batches, { numClasses: data.numClasses, batchStatistics });
    return { accuracy: result.top1, loss: result.loss };
  };
  const batches = disposingBatches(mixedBatches(statistics, batchSize, { mergeRemainder: true }));
  const result = await repairModel(model, batches, { validate });
  return { ...result, holdout: holdout.length, statistics: statistics.length };
}
