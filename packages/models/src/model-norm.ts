import { Identity, type Module } from '@skelnorm/nn';
import { createNorm, NORM_KINDS, type NormKind } from '@skelnorm/norm';

/**
 * The normalization a model puts after its convolutions and hidden dense layers.
 * - `none`: no layer (an `Identity`, so state-dict names stay those of the normalized model);
 * - `batch`: BatchNorm (PyTorch semantics, running statistics);
 * - `layer`, `group`: LayerNorm / GroupNorm (per-sample statistics, no train/eval gap);
 * - `frozen`: FrozenBatchNorm (fixed statistics and affine, for fine-tuning);
 * - `masked-batch`: BatchNorm whose batch statistics skip absent (all-zero) persons.
 */
export type ModelNorm = Exclude<NormKind, 'slot-batch'>;

/** The norm package's kinds but per-slot BatchNorm, which a model gets through its person mode. */
export const MODEL_NORMS: readonly ModelNorm[] = NORM_KINDS.filter((k): k is ModelNorm => k !== 'slot-batch');

/** Settings shared by every normalization layer of one model. */
export interface NormSettings {
  /** PyTorch convention: weight of the new batch; null = cumulative average. */
  readonly momentum: number | null;
  readonly trackRunningStats: boolean;
  /** Groups of `group` norm; layers whose width it does not divide use the largest divisor below it. */
  readonly numGroups: number;
}

/**
 * One normalization layer: `numFeatures` channels, `dims` 1 for [N, C] / [N, L, C], 2 for
 * [N, H, W, C]. `slots` > 1 gives BatchNorm with separate running statistics per person slot
 * (`context.slot` picks them); only `batch` and `masked-batch` have slots.
 */
export function makeNorm(kind: ModelNorm, numFeatures: number, dims: 1 | 2, settings: NormSettings, slots = 1): Module {
  if (kind === 'none') return new Identity();
  if (slots > 1 && kind !== 'batch' && kind !== 'masked-batch') {
    throw new Error(`per-slot statistics need norm 'batch' or 'masked-batch', got '${kind}'`);
  }
  return createNorm(slots > 1 ? 'slot-batch' : kind, {
    numFeatures,
    dims,
    momentum: settings.momentum,
    trackRunningStats: settings.trackRunningStats,
    numGroups: largestDivisorUpTo(numFeatures, settings.numGroups),
    ...(slots > 1 ? { numSlots: slots, masked: kind === 'masked-batch' } : {}),
  });
}

/** GroupNorm needs groups that divide the channels; a 60-channel layer with 8 asked gets 6. */
function largestDivisorUpTo(n: number, limit: number): number {
  for (let g = Math.min(n, limit); g > 1; g--) if (n % g === 0) return g;
  return 1;
}
