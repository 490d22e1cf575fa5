import { SEED_BN_OPTIONS, SEED_CNN_VARIANTS, seedCnnVariant, type SeedCnnOptions } from '@skelnorm/models';

/**
 * One side of the comparison: the seed CNN with one change to its BatchNorm setup, from the one
 * list of variants in @skelnorm/models (the rows of `skelnorm ablate` carry the same names).
 */
export interface TrainingVariant {
  readonly name: string;
  readonly description: string;
  readonly modelOptions: SeedCnnOptions;
}

const full = (v: (typeof SEED_CNN_VARIANTS)[number]): TrainingVariant => ({
  name: v.name,
  description: v.description,
  modelOptions: { ...SEED_BN_OPTIONS, ...v.change },
});

/** The seed first: it is what the page compares against. */
export const trainingVariants: readonly TrainingVariant[] = [seedCnnVariant('seed-bn'), ...SEED_CNN_VARIANTS.filter((v) => v.name !== 'seed-bn')].map(full);

export function variantByName(name: string): TrainingVariant {
  return full(seedCnnVariant(name));
}
