import type { SeedCnnOptions } from './seed-cnn.js';

/** The seed question's BatchNorm setup: momentum 0.01 (PyTorch convention), one BN call per person. */
export const SEED_BN_OPTIONS = Object.freeze({ norm: 'batch', personMode: 'per-person', bnMomentum: 0.01, trackRunningStats: true } as const satisfies SeedCnnOptions);

/** One normalization choice for the seed CNN: one change to the seed's BatchNorm setup. */
export interface SeedCnnVariant {
  /** The row name of `skelnorm ablate` and the web app's comparison (e.g. `bn-folded`). */
  readonly name: string;
  readonly description: string;
  /** What changes relative to {@link SEED_BN_OPTIONS} (empty for the seed itself). */
  readonly change: Readonly<SeedCnnOptions>;
}

/**
 * The seed CNN's normalization variants, one list for the CLI's ablation and the web app's
 * side-by-side training. Variants that change the data or the schedule (batch size, shuffling) or
 * fix a trained model (PreciseBN, repair) are the CLI's own.
 */
export const SEED_CNN_VARIANTS: readonly SeedCnnVariant[] = Object.freeze([
  { name: 'no-norm', description: 'no normalization layers (the seed without BatchNorm)', change: { norm: 'none' } },
  { name: 'seed-bn', description: "the seed's BatchNorm: momentum 0.01, one BN call per person (running statistics blend the real and the all-zero person)", change: {} },
  { name: 'bn-momentum-0.1', description: 'BatchNorm momentum 0.1 (PyTorch default) instead of 0.01', change: { bnMomentum: 0.1 } },
  { name: 'bn-folded', description: 'persons folded into the batch: one BN call over both persons', change: { personMode: 'folded' } },
  { name: 'bn-per-person-stats', description: 'separate running statistics per person slot (shared affine)', change: { personMode: 'per-person-stats' } },
  { name: 'masked-bn', description: 'BatchNorm whose statistics skip absent (all-zero) persons', change: { norm: 'masked-batch' } },
  { name: 'bn-no-running-stats', description: 'trackRunningStats false: batch statistics in eval too', change: { trackRunningStats: false } },
  { name: 'layer-norm', description: 'LayerNorm instead of BatchNorm (per-sample statistics)', change: { norm: 'layer' } },
  { name: 'group-norm', description: "GroupNorm (the model's default groups) instead of BatchNorm", change: { norm: 'group' } },
]);

/** A variant by name; an unknown name is an error that lists the known ones. */
export function seedCnnVariant(name: string): SeedCnnVariant {
  const variant = SEED_CNN_VARIANTS.find((v) => v.name === name);
  if (variant === undefined) throw new Error(`unknown variant '${name}'; known: ${SEED_CNN_VARIANTS.map((v) => v.name).join(', ')}`);
  return variant;
}
