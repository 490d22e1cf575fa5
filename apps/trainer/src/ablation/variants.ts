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
export const SEED_MODEL_OPTIONS = { norm: 'batch', personMode: 'per-person', bnMomentum: 0.01, trackRunningStats: true } as const;

/** The variants of issue 6, in table order. */
export const ABLATION_VARIANTS: readonly AblationVariant[] = [
  { name: 'no-norm', description: 'no normalization layers (the seed without BatchNorm)', apply: (s) => withModel(s, { norm: 'none' }) },
  { name: 'seed-bn', description: "the seed's BatchNorm: momentum 0.01, one BN call per person (running statistics blend the real and the all-zero person)", apply: (s) => s },
  { name: 'bn-momentum-0.1', description: 'BatchNorm momentum 0.1 (PyTorch default) instead of 0.01', apply: (s) => withModel(s, { bnMomentum: 0.1 }) },
  { name: 'bn-folded', description: 'persons folded into the batch: one BN call over both persons', apply: (s) => withModel(s, { personMode: 'folded' }) },
  { name: 'bn-per-person-stats', description: 'separate running statistics per person slot (shared affine)', apply: (s) => withModel(s, { personMode: 'per-person-stats' }) },
  { name: 'bn-precise', description: "the seed's trained model with PreciseBN: running statistics re-estimated over the training set (per person slot where the layer is shared), no retraining", derive: 'precise-bn' },
  { name: 'bn-repaired', description: "the seed's trained model after `repair` from @skelnorm/norm (per-person statistics for the BatchNorms it finds shared, PreciseBN for the rest), no retraining", derive: 'repair' },
  { name: 'masked-bn', description: 'BatchNorm whose statistics skip absent (all-zero) persons', apply: (s) => withModel(s, { norm: 'masked-batch' }) },
  { name: 'bn-no-running-stats', description: 'trackRunningStats false: batch statistics in eval too', apply: (s) => withModel(s, { trackRunningStats: false }) },
  { name: 'layer-norm', description: 'LayerNorm instead of BatchNorm (per-sample statistics)', apply: (s) => withModel(s, { norm: 'layer' }) },
  { name: 'group-norm', description: "GroupNorm (the model's default groups) instead of BatchNorm", apply: (s) => withModel(s, { norm: 'group' }) },
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
