import type { SeedCnnOptions } from '@skelnorm/models';

/**
 * One side of the comparison: the seed CNN with one change to its BatchNorm setup. Names match
 * the rows of `skelnorm ablate` so that a result in the page can be looked up in its table.
 */
export interface TrainingVariant {
  readonly name: string;
  readonly description: string;
  readonly modelOptions: SeedCnnOptions;
}

/** The seed's BatchNorm: momentum 0.01 (PyTorch convention), one BN call per person. */
const SEED: SeedCnnOptions = { norm: 'batch', personMode: 'per-person', bnMomentum: 0.01, trackRunningStats: true };

export const trainingVariants: readonly TrainingVariant[] = [
  { name: 'seed-bn', description: "the seed's BatchNorm: momentum 0.01, one BN call per person (statistics blend the real and the all-zero person)", modelOptions: SEED },
  { name: 'bn-folded', description: 'persons folded into the batch: one BN call over both persons', modelOptions: { ...SEED, personMode: 'folded' } },
  { name: 'bn-per-person-stats', description: 'separate running statistics per person slot', modelOptions: { ...SEED, personMode: 'per-person-stats' } },
  { name: 'bn-momentum-0.1', description: 'BatchNorm momentum 0.1 (PyTorch default)', modelOptions: { ...SEED, bnMomentum: 0.1 } },
  { name: 'masked-bn', description: 'BatchNorm statistics skip absent (all-zero) persons', modelOptions: { ...SEED, norm: 'masked-batch' } },
  { name: 'bn-no-running-stats', description: 'batch statistics in eval too', modelOptions: { ...SEED, trackRunningStats: false } },
  { name: 'no-norm', description: 'no normalization layers', modelOptions: { ...SEED, norm: 'none' } },
  { name: 'layer-norm', description: 'LayerNorm instead of BatchNorm', modelOptions: { ...SEED, norm: 'layer' } },
  { name: 'group-norm', description: 'GroupNorm instead of BatchNorm', modelOptions: { ...SEED, norm: 'group' } },
];

export function variantByName(name: string): TrainingVariant {
  const variant = trainingVariants.find((v) => v.name === name);
  if (variant === undefined) throw new Error(`unknown variant '${name}'; known: ${trainingVariants.map((v) => v.name).join(', ')}`);
  return variant;
}
