import { SEED_BN_OPTIONS, seedCnnVariant } from '@skelnorm/models';
import { UsageError } from '../command.js';
import type { TrainConfig } from '../training/train-config.js';

/**
 * One row of the normalization ablation. Every variant is one change away from the seed's
 * configuration (`seed-bn`), trained on the same data with the same seed and schedule.
 * `derive` variants do not train: they take the seed's trained model and change only its
 * statistics (PreciseBN, `repair`), which is what a user could do to an existing checkpoint.
 */
export interface AblationVariant {
  readonly name: string;
  readonly description: string;
  /** The change to the seed's configuration (identity for the seed itself). */
  readonly apply?: (seed: TrainConfig) => TrainConfig;
  /** Post-training fix applied to the seed's trained model instead of training anew. */
  readonly derive?: 'precise-bn' | 'repair';
}

const withModel = (seed: TrainConfig, options: Record<string, unknown>): TrainConfig => ({
  ...seed,
  modelOptions: { ...seed.modelOptions, ...options },
});

/** The seed's BatchNorm setup: momentum 0.01 (PyTorch convention), persons one call each. */
export const SEED_MODEL_OPTIONS = SEED_BN_OPTIONS;

const model = (name: string): AblationVariant => {
  const v = seedCnnVariant(name);
  return { name: v.name, description: v.description, apply: (s) => (Object.keys(v.change).length === 0 ? s : withModel(s, v.change)) };
};

/** The variants of issue 6, in table order: the model ones from @skelnorm/models' one list. */
export const ABLATION_VARIANTS: readonly AblationVariant[] = [
  model('no-norm'),
  model('seed-bn'),
  model('bn-momentum-0.1'),
  model('bn-folded'),
  model('bn-per-person-stats'),
  { name: 'bn-precise', description: "the seed's trained model with PreciseBN: running statistics re-estimated over the training set (one set per layer), no retraining", derive: 'precise-bn' },
  { name: 'bn-repaired', description: "the seed's trained model after the doctor's repair: candidates scored on a held-out slice of the training split (PreciseBN, or per-slot statistics for the BatchNorms the persons share), no retraining", derive: 'repair' },
  model('masked-bn'),
  model('bn-no-running-stats'),
  model('layer-norm'),
  model('group-norm'),
  { name: 'bn-small-batch', description: 'the seed with a quarter of the batch size', apply: (s) => ({ ...s, batchSize: Math.max(2, Math.round(s.batchSize / 4)) }) },
  { name: 'bn-large-batch', description: 'the seed with four times the batch size', apply: (s) => ({ ...s, batchSize: s.batchSize * 4 }) },
  { name: 'bn-no-shuffle', description: 'the seed without per-epoch shuffling: batches in stored order (class-major for the synthetic set, NTU file order for folders), far from i.i.d.', apply: (s) => ({ ...s, shuffle: false }) },
];

/** Picks variants by name (in table order); unknown names are an error that lists the known ones. */
export function selectVariants(names: readonly string[] | undefined): AblationVariant[] {
  if (!names || names.length === 0) return [...ABLATION_VARIANTS];
  const known = new Map(ABLATION_VARIANTS.map((v) => [v.name, v]));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new UsageError(`unknown variant${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${[...known.keys()].join(', ')}`);
  }
  return ABLATION_VARIANTS.filter((v) => names.includes(v.name));
}
