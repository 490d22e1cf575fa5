import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '@skelnorm/nn';
import { BatchNormBase, type BatchNormOptions } from './batch-norm-base.js';

/** `BatchNormOptions` plus the number of statistics slots and optional masking. */
export interface SlotBatchNormOptions extends BatchNormOptions {
  /** Sets of running statistics, one per call site (person slot). Default 2. */
  numSlots?: number;
  /** Take batch statistics over the valid samples of `context.mask`, as `MaskedBatchNorm`. Default false. */
  masked?: boolean;
}

export const SLOT_BATCH_NORM_DEFAULTS = Object.freeze({ numSlots: 2, masked: false });

/**
 * BatchNorm with one shared affine (`weight`, `bias`) and one set of running statistics per slot,
 * for a layer that a model calls once per person: person k's calls pass `context.slot = k`, and
 * only slot k's statistics see them and normalize them in eval mode. A plain BatchNorm called
 * per person blends both persons' distributions into one running average, so in eval mode neither
 * person is normalized as in training.
 *
 * Per call, with k = context.slot: the BatchNorm formula and momentum rule (PyTorch convention,
 * default 0.1, null = cumulative average) applied to slot k's buffers only. In training mode the
 * output is exactly plain BatchNorm's (batch statistics); slots matter for the running statistics
 * and eval mode. `context.slot` is required when numSlots > 1 (an error names it), optional (0)
 * when numSlots is 1, and not needed at all with `trackRunningStats: false`.
 *
 * State: `weight`, `bias` [C]; per slot k: `running_mean_slot{k}`, `running_var_slot{k}` [C],
 * `num_batches_tracked_slot{k}` (int32). In PyTorch: shared Parameters plus
 * `register_buffer(f"running_mean_slot{k}", ...)`, `F.batch_norm(x, rm_k, rv_k, w, b, ...)`.
 * Shape: [N, C] or [N, L, C].
 */
export class SlotBatchNorm1d extends BatchNormBase {
  constructor(options: SlotBatchNormOptions) {
    super(options, { layerName: 'SlotBatchNorm1d', dims: 1, ...slotVariant(options) });
  }
}

/** `SlotBatchNorm1d` for feature maps. Shape: [N, H, W, C] -> same. */
export class SlotBatchNorm2d extends BatchNormBase {
  constructor(options: SlotBatchNormOptions) {
    super(options, { layerName: 'SlotBatchNorm2d', dims: 2, ...slotVariant(options) });
  }
}

function slotVariant(options: SlotBatchNormOptions) {
  return {
    perSlot: { numSlots: options.numSlots ?? SLOT_BATCH_NORM_DEFAULTS.numSlots },
    masked: options.masked ?? SLOT_BATCH_NORM_DEFAULTS.masked,
  };
}

/**
 * A per-slot copy of a trained single-statistics BatchNorm (plain or masked, 1d or 2d): the same
 * options, weight and bias, and every slot starting from its running statistics and
 * num_batches_tracked. The source layer is left as it was (the caller owns it).
 */
export function toSlotBatchNorm(bn: BatchNormBase, numSlots: number = SLOT_BATCH_NORM_DEFAULTS.numSlots): SlotBatchNorm1d | SlotBatchNorm2d {
  if (bn.perSlot) throw new Error(`toSlotBatchNorm: the layer is already per-slot (${bn.kind}, ${bn.numSlots} slots)`);
  const options: SlotBatchNormOptions = {
    numFeatures: bn.numFeatures,
    eps: bn.eps,
    momentum: bn.momentum,
    affine: bn.affine,
    trackRunningStats: bn.trackRunningStats,
    numSlots,
    masked: bn.masked,
  };
  const slotted = bn.dims === 1 ? new SlotBatchNorm1d(options) : new SlotBatchNorm2d(options);
  tf.tidy(() => {
    if (bn.weight && slotted.weight) slotted.weight.assign(bn.weight);
    if (bn.bias && slotted.bias) slotted.bias.assign(bn.bias);
    if (!bn.trackRunningStats) return;
    const source = bn.statistics(0);
    for (let slot = 0; slot < numSlots; slot++) {
      const target = slotted.statistics(slot);
      target.runningMean.assign(tf.clone(source.runningMean));
      target.runningVar.assign(tf.clone(source.runningVar));
      target.numBatchesTracked.assign(tf.clone(source.numBatchesTracked));
    }
  });
  return slotted.train(bn.training);
}

export interface ConvertToSlotOptions {
  /** Slots per converted layer. Default 2 (two persons). */
  numSlots?: number;
  /** Which layers to convert, by dotted path; default every single-statistics BatchNorm that tracks running statistics. */
  filter?: (path: string, layer: BatchNormBase) => boolean;
}

/**
 * Replaces BatchNorm layers of `model` (plain and masked, 1d and 2d, tracking running
 * statistics) by per-slot layers made with `toSlotBatchNorm`; replaced layers are disposed.
 * Returns the model, or the new layer when `model` itself is a BatchNorm. The model's forward must
 * pass `context.slot` to the converted layers (e.g. `{ slot: personIndex }` in a per-person loop).
 */
export function convertToSlotBatchNorm(model: Module, options: ConvertToSlotOptions = {}): Module {
  const numSlots = options.numSlots ?? SLOT_BATCH_NORM_DEFAULTS.numSlots;
  const wanted = (path: string, m: Module): m is BatchNormBase =>
    m instanceof BatchNormBase && !m.perSlot && m.trackRunningStats && (options.filter?.(path, m) ?? true);
  if (wanted('', model)) {
    const slotted = toSlotBatchNorm(model, numSlots);
    model.dispose();
    return slotted;
  }
  for (const [path, m] of model.namedModules()) {
    if (path === '' || !wanted(path, m)) continue;
    model.replaceModule(path, toSlotBatchNorm(m, numSlots)).dispose();
  }
  return model;
}
