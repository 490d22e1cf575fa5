import { rebuildModel, type SkeletonModel } from '@skelnorm/models';
import { BatchNormBase } from '@skelnorm/norm';
import { repairSummary } from '../report/repair-summary.js';
import { repairOnTrainingData } from './repair-model.js';
import type { TrainConfig } from './train-config.js';
import type { TrainingData } from './training-data.js';

export interface BatchNormCheck {
  /** For report.md: the doctor's scores, the cause of the gap and per layer what a repair would change. */
  readonly lines: string[];
  /** One line for the terminal. */
  readonly headline: string;
  /** How the run's length bears on what was measured. */
  readonly regime: string;
}

/**
 * The doctor's measurement at the end of a run, on a copy of the model (nothing is changed or
 * saved): which failure the run's eval-mode gap is (EMA lag, per-person blend, or neither), by
 * the repair candidates' effect on a held-out slice of the training split. Undefined for models
 * without BatchNorm running statistics.
 */
export async function checkBatchNorm(model: SkeletonModel, data: TrainingData, config: TrainConfig, steps: number): Promise<BatchNormCheck | undefined> {
  const tracked = model.namedModules().some(([, m]) => m instanceof BatchNormBase && m.trackRunningStats);
  if (!tracked || data.train.length < 8) return undefined;
  const copy = rebuildModel(model);
  const repaired = await repairOnTrainingData(copy, data, config.batchSize, config.evalBatchSize);
  repaired.model.dispose();
  const b = repaired.breakdown;
  const momentum = model.config.bnMomentum;
  const regime =
    `This run took ${steps} optimizer steps` +
    (typeof momentum === 'number' && momentum > 0 ? ` with BatchNorm momentum ${momentum} (the running averages remember about ${Math.round(1 / momentum)} steps)` : '') +
    '. Short runs are dominated by the lag of the running averages, which lasts as long as the weights keep moving; where it is gone, what remains is the per-person blend (`skelnorm train --preset seed`, and `--coords camera` for raw Kinect coordinates as ST-GCN\'s NTU files hold them).';
  const headline = b
    ? `BatchNorm check (held-out slice of the training split): gap by cause: lag ${(b.lag * 100).toFixed(1)}, batch averages vs population ${(b.exact * 100).toFixed(1)}, per-person blend ${(b.blend * 100).toFixed(1)} points; ` +
      `a repair would keep ${repaired.chosen}. See report.md; \`skelnorm doctor <run> --repair --out FILE\` applies it.`
    : `BatchNorm check: ${repaired.reason}`;
  return { lines: repairSummary(repaired, repaired), headline, regime };
}
