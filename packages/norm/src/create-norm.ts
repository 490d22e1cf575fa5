import { Identity, type Module } from '@skelnorm/nn';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';
import { FrozenBatchNorm1d, FrozenBatchNorm2d } from './frozen-batch-norm.js';
import { GroupNorm } from './group-norm.js';
import { LayerNorm } from './layer-norm.js';
import { MaskedBatchNorm1d, MaskedBatchNorm2d } from './masked-batch-norm.js';
import { SlotBatchNorm1d, SlotBatchNorm2d } from './slot-batch-norm.js';

/** The normalizations a model can be built with; see `createNorm`. */
export type NormKind = 'none' | 'batch' | 'layer' | 'group' | 'frozen' | 'masked-batch' | 'slot-batch';

export const NORM_KINDS: readonly NormKind[] = Object.freeze(['none', 'batch', 'layer', 'group', 'frozen', 'masked-batch', 'slot-batch']);

export interface CreateNormOptions {
  /** C, the channels (last axis of the input). */
  numFeatures: number;
  /** 1: after a linear layer, input [N, C] or [N, L, C]; 2: after a conv, input [N, H, W, C]. */
  dims: 1 | 2;
  /** BatchNorm kinds: PyTorch convention (weight of the new batch), default 0.1, null = cumulative. */
  momentum?: number | null;
  /** BatchNorm kinds. Default true. */
  trackRunningStats?: boolean;
  /** 'slot-batch': statistics slots. Default 2. */
  numSlots?: number;
  /** 'slot-batch': statistics over the samples that `context.mask` marks valid. Default false. */
  masked?: boolean;
  /** 'group': groups. Default `defaultNumGroups(numFeatures)`: the largest divisor of C that is <= 32. */
  numGroups?: number;
  /** Default 1e-5 for every kind. */
  eps?: number;
}

/**
 * The normalization layer of a given kind, for the model zoo (one flag per normalization):
 * - 'none': `Identity`.
 * - 'batch': `BatchNorm1d` / `BatchNorm2d`.
 * - 'layer': dims 1: `LayerNorm(C)` (each sample or position over its C features, as PyTorch's
 *   `nn.LayerNorm(C)` after a Linear). dims 2: `GroupNorm(1, C)`, i.e. LayerNorm over (C, H, W) of
 *   each sample with per-channel affine: the usual PyTorch choice for conv maps, since
 *   `nn.LayerNorm([C, H, W])` would tie the layer to one input size.
 * - 'group': `GroupNorm(numGroups ?? largest divisor of C <= 32, C)`, both dims (dims 1 on [N, C]
 *   normalizes groups of features).
 * - 'frozen': `FrozenBatchNorm1d` / `FrozenBatchNorm2d` (identity until statistics are loaded).
 * - 'masked-batch': `MaskedBatchNorm1d` / `MaskedBatchNorm2d` (statistics over `context.mask`).
 * - 'slot-batch': `SlotBatchNorm1d` / `SlotBatchNorm2d` with numSlots (default 2; `context.slot` required),
 *   masked with `masked: true`.
 * `momentum` and `trackRunningStats` apply to the BatchNorm kinds; `eps` to all but 'none'.
 */
export function createNorm(kind: NormKind, options: CreateNormOptions): Module {
  const { numFeatures, dims } = options;
  if (dims !== 1 && dims !== 2) throw new RangeError(`createNorm: dims must be 1 or 2, got ${String(dims)}`);
  const bn = {
    numFeatures,
    ...(options.eps !== undefined && { eps: options.eps }),
    ...(options.momentum !== undefined && { momentum: options.momentum }),
    ...(options.trackRunningStats !== undefined && { trackRunningStats: options.trackRunningStats }),
  };
  switch (kind) {
    case 'none':
      return new Identity();
    case 'batch':
      return dims === 1 ? new BatchNorm1d(bn) : new BatchNorm2d(bn);
    case 'masked-batch':
      return dims === 1 ? new MaskedBatchNorm1d(bn) : new MaskedBatchNorm2d(bn);
    case 'slot-batch': {
      const slot = {
        ...bn,
        ...(options.numSlots !== undefined && { numSlots: options.numSlots }),
        ...(options.masked !== undefined && { masked: options.masked }),
      };
      return dims === 1 ? new SlotBatchNorm1d(slot) : new SlotBatchNorm2d(slot);
    }
    case 'frozen': {
      const frozen = { numFeatures, ...(options.eps !== undefined && { eps: options.eps }) };
      return dims === 1 ? new FrozenBatchNorm1d(frozen) : new FrozenBatchNorm2d(frozen);
    }
    case 'layer':
      return dims === 1
        ? new LayerNorm({ normalizedShape: numFeatures, ...(options.eps !== undefined && { eps: options.eps }) })
        : new GroupNorm({ numGroups: 1, numChannels: numFeatures, ...(options.eps !== undefined && { eps: options.eps }) });
    case 'group':
      return new GroupNorm({
        numGroups: options.numGroups ?? defaultNumGroups(numFeatures),
        numChannels: numFeatures,
        ...(options.eps !== undefined && { eps: options.eps }),
      });
    default:
      throw new RangeError(`createNorm: unknown kind '${String(kind)}' (expected one of ${NORM_KINDS.join(', ')})`);
  }
}

/**
 * Default GroupNorm groups for C channels: the largest divisor of C that is at most 32
 * (32 is Wu & He's default; 64 -> 32, 48 -> 24, 6 -> 6, 3 -> 3).
 */
export function defaultNumGroups(numChannels: number): number {
  for (let g = Math.min(32, numChannels); g > 1; g--) if (numChannels % g === 0) return g;
  return 1;
}
