import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext } from '@skelnorm/nn';
import {
  channelMoments,
  hasValues,
  maskedChannelMoments,
  normalizeChannels,
  runningAverage,
  unbiasedVariance,
  valuesPerChannel,
  weightedChannelMoments,
} from './functional/batch-norm.js';
import { batchNormTrain } from './functional/batch-norm-train.js';
import { multiplicityOf } from './sample-multiplicity.js';

/**
 * Options of every BatchNorm layer, with PyTorch's names, meanings and defaults.
 */
export interface BatchNormOptions {
  /** C, the number of channels (the last axis of the input). */
  numFeatures: number;
  /** Added to the variance before the square root. Default 1e-5 (PyTorch; Keras uses 1e-3). */
  eps?: number;
  /**
   * PyTorch convention: the weight of the NEW batch statistic,
   * `running = (1 - momentum) * running + momentum * batch`. Default 0.1. `null`: cumulative
   * average, `momentum = 1 / num_batches_tracked`. Keras/TensorFlow.js's `momentum` is the weight of
   * the OLD value (its 0.99 is PyTorch's 0.01): convert with `torchMomentumFromKeras`.
   */
  momentum?: number | null;
  /** Learnable per-channel `weight` (init 1) and `bias` (init 0). Default true. */
  affine?: boolean;
  /**
   * Keep `running_mean`, `running_var` and `num_batches_tracked` buffers and normalize with them in
   * eval mode. Default true. `false`: no buffers, batch statistics in eval mode too.
   */
  trackRunningStats?: boolean;
}

/** The defaults of `BatchNormOptions`, as `torch.nn.BatchNorm2d`. */
export const BATCH_NORM_DEFAULTS = Object.freeze({ eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true });

/** One set of running statistics: PyTorch's three buffers. */
export interface RunningStatistics {
  /** [C], init 0. */
  readonly runningMean: tf.Variable;
  /** [C], init 1; unbiased batch variances are averaged in, as PyTorch stores it. */
  readonly runningVar: tf.Variable;
  /** int32 scalar, init 0: training batches seen (the divisor of the cumulative average). */
  readonly numBatchesTracked: tf.Variable;
}

/** What a subclass says about itself: the input ranks it takes and how its statistics are kept. */
export interface BatchNormVariant {
  /** Class name for messages, e.g. `BatchNorm2d`. */
  readonly layerName: string;
  /** 1: [N, C] or [N, L, C]; 2: [N, H, W, C]. */
  readonly dims: 1 | 2;
  /**
   * One set of running statistics per slot, chosen by `context.slot`; buffers are named
   * `running_mean_slot{k}`, `running_var_slot{k}`, `num_batches_tracked_slot{k}`.
   */
  readonly perSlot?: { readonly numSlots: number };
  /** Statistics over the valid samples of `context.mask` only. */
  readonly masked?: boolean;
}

const RANKS = { 1: [2, 3], 2: [4] } as const;
const SHAPES = { 1: '[N, C] or [N, L, C]', 2: '[N, H, W, C]' } as const;

/**
 * The shared base of the BatchNorm family, after PyTorch's `_NormBase`: it holds the options,
 * the affine parameters, the running-statistics buffers and the mode; the maths are the pure
 * functions of `functional/batch-norm.ts`. Subclasses only say which ranks they take, whether they
 * keep statistics per slot and whether they read a mask.
 *
 * Training mode (or `trackRunningStats: false`), per channel c over every other axis:
 *   y = (x - mean_B) / sqrt(var_B + eps) * weight + bias      (var_B biased)
 *   running_mean = (1 - m) * running_mean + m * mean_B
 *   running_var  = (1 - m) * running_var  + m * var_B * n / (n - 1)   (unbiased, n values per channel)
 *   num_batches_tracked += 1,   m = momentum, or 1 / num_batches_tracked when momentum is null.
 * Eval mode: y = (x - running_mean) / sqrt(running_var + eps) * weight + bias; nothing changes.
 *
 * Input is channels-last; statistics are over every axis but the last. A call whose context
 * carries a `multiplicity` (a compacted batch, see `SampleMultiplicity`) counts each row that often
 * in its batch statistics, n included: the numbers of the full batch.
 */
export abstract class BatchNormBase extends Module {
  /** Layer class for reports and messages, e.g. `BatchNorm2d` (kept as data: bundlers rename classes). */
  readonly kind: string;
  readonly numFeatures: number;
  readonly eps: number;
  /** PyTorch convention (weight of the new batch); null = cumulative average. */
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly dims: 1 | 2;
  /** Sets of running statistics; 1 except for per-slot layers. */
  readonly numSlots: number;
  /** True for per-slot layers (statistics chosen by `context.slot`, buffers named `..._slot{k}`). */
  readonly perSlot: boolean;
  /** True when statistics are taken over the samples that `context.mask` marks valid. */
  readonly masked: boolean;
  /** [C] scale, init 1; undefined when `affine` is false. */
  readonly weight: tf.Variable | undefined;
  /** [C] shift, init 0; undefined when `affine` is false. */
  readonly bias: tf.Variable | undefined;
  private readonly statisticsSets: RunningStatistics[];

  protected constructor(options: BatchNormOptions, variant: BatchNormVariant) {
    super();
    const { numFeatures } = options;
    this.kind = variant.layerName;
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) {
      throw new RangeError(`${this.kind}: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? BATCH_NORM_DEFAULTS.eps;
    this.momentum = options.momentum === undefined ? BATCH_NORM_DEFAULTS.momentum : options.momentum;
    this.affine = options.affine ?? BATCH_NORM_DEFAULTS.affine;
    this.trackRunningStats = options.trackRunningStats ?? BATCH_NORM_DEFAULTS.trackRunningStats;
    this.dims = variant.dims;
    this.perSlot = variant.perSlot !== undefined;
    this.numSlots = variant.perSlot?.numSlots ?? 1;
    this.masked = variant.masked ?? false;
    if (!(this.eps > 0)) throw new RangeError(`${this.kind}: eps must be > 0, got ${this.eps}`);
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new RangeError(
        `${this.kind}: momentum must be in [0, 1] (PyTorch convention, weight of the new batch) or null, got ${this.momentum}`,
      );
    }
    if (!Number.isInteger(this.numSlots) || this.numSlots < 1) {
      throw new RangeError(`${this.kind}: numSlots must be a positive integer, got ${this.numSlots}`);
    }
    this.weight = this.affine ? this.registerParameter('weight', tf.ones([numFeatures])) : undefined;
    this.bias = this.affine ? this.registerParameter('bias', tf.zeros([numFeatures])) : undefined;
    this.statisticsSets = [];
    if (this.trackRunningStats) {
      for (let slot = 0; slot < this.numSlots; slot++) {
        const suffix = this.perSlot ? `_slot${slot}` : '';
        this.statisticsSets.push({
          runningMean: this.registerBuffer(`running_mean${suffix}`, tf.zeros([numFeatures])),
          runningVar: this.registerBuffer(`running_var${suffix}`, tf.ones([numFeatures])),
          numBatchesTracked: this.registerBuffer(`num_batches_tracked${suffix}`, tf.scalar(0, 'int32')),
        });
      }
    }
  }

  /** Slot 0's running mean ([C]); undefined without `trackRunningStats`. */
  get runningMean(): tf.Variable | undefined {
    return this.statisticsSets[0]?.runningMean;
  }

  /** Slot 0's running variance ([C], unbiased); undefined without `trackRunningStats`. */
  get runningVar(): tf.Variable | undefined {
    return this.statisticsSets[0]?.runningVar;
  }

  /** Slot 0's count of training batches (int32 scalar); undefined without `trackRunningStats`. */
  get numBatchesTracked(): tf.Variable | undefined {
    return this.statisticsSets[0]?.numBatchesTracked;
  }

  /** The running statistics of one slot (0 for single-slot layers). Throws without `trackRunningStats`. */
  statistics(slot = 0): RunningStatistics {
    const set = this.statisticsSets[slot];
    if (!set) {
      throw new RangeError(
        this.trackRunningStats
          ? `${this.kind}: no slot ${slot} (numSlots ${this.numSlots})`
          : `${this.kind}: trackRunningStats is false, there are no running statistics`,
      );
    }
    return set;
  }

  /**
   * The statistics slot a call uses. Plain and masked layers: always 0 (`context.slot` is ignored:
   * one set of statistics is shared by every call site). Per-slot layers: `context.slot`, required
   * when numSlots > 1 (a missing slot would silently blend distributions), default 0 when numSlots is 1.
   */
  slotFor(context: ForwardContext): number {
    if (!this.perSlot) return 0;
    const { slot } = context;
    if (slot === undefined) {
      if (this.numSlots === 1) return 0;
      throw new Error(
        `${this.kind}: context.slot is required (an integer in [0, ${this.numSlots - 1}]); ` +
          'pass { slot: personIndex } when calling the shared stack once per person',
      );
    }
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.numSlots) {
      throw new RangeError(`${this.kind}: context.slot must be an integer in [0, ${this.numSlots - 1}], got ${slot}`);
    }
    return slot;
  }

  /** The mask this layer honours for a call: `context.mask` for masked layers, otherwise none. */
  maskFor(context: ForwardContext): tf.Tensor | undefined {
    return this.masked ? context.mask : undefined;
  }

  /** PyTorch's `reset_running_stats`: mean 0, variance 1, num_batches_tracked 0, every slot. */
  resetRunningStats(): void {
    for (const set of this.statisticsSets) {
      set.runningMean.assign(tf.zerosLike(set.runningMean));
      set.runningVar.assign(tf.onesLike(set.runningVar));
      set.numBatchesTracked.assign(tf.zerosLike(set.numBatchesTracked));
    }
  }

  /** Throws unless x is [..., C] with an accepted rank; names the expected channels-last shape. */
  checkInput(x: tf.Tensor): void {
    const ranks: readonly number[] = RANKS[this.dims];
    if (!ranks.includes(x.rank) || x.shape[x.rank - 1] !== this.numFeatures) {
      const channelsFirst = x.rank >= 2 && x.shape[1] === this.numFeatures && ranks.includes(x.rank);
      throw new Error(
        `${this.kind}: expected channels-last input ${SHAPES[this.dims]} with C = ${this.numFeatures}, got [${x.shape}]` +
          (channelsFirst ? ' (this looks channels-first: convert PyTorch (N, C, ...) with featureMapFromTorch / a transpose)' : ''),
      );
    }
  }

  forward(x: tf.Tensor, context: ForwardContext = {}): tf.Tensor {
    this.checkInput(x);
    const batchStatistics = this.training || !this.trackRunningStats;
    const slot = this.trackRunningStats ? this.slotFor(context) : 0;
    const mask = this.maskFor(context);
    const multiplicity = batchStatistics ? multiplicityOf(context, x) : undefined;
    const rows = Math.max(x.shape[0] ?? 0, 1);
    if (batchStatistics && (valuesPerChannel(x) / rows) * (multiplicity?.total ?? rows) <= 1) {
      throw new Error(
        `${this.kind}: expected more than 1 value per channel when using batch statistics (training mode` +
          `${this.trackRunningStats ? '' : ' or trackRunningStats: false'}), got input [${x.shape}]. ` +
          'Use batches of at least 2 samples, call eval() for single-sample inference, or use GroupNorm/LayerNorm.',
      );
    }
    return tf.tidy(() => {
      if (!batchStatistics) {
        const { runningMean, runningVar } = this.statistics(slot);
        return normalizeChannels(x, runningMean, runningVar, this.eps, this.weight, this.bias);
      }
      const update = this.training && this.trackRunningStats;
      if (!mask) {
        const { y, mean, variance, count } = batchNormTrain(x, this.eps, this.weight, this.bias, multiplicity);
        try {
          if (update) this.updateRunningStatistics(slot, mean, variance, count);
        } finally {
          tf.dispose([mean, variance]);
        }
        return y;
      }
      const { mean, variance, count } = maskedChannelMoments(x, mask, multiplicity?.counts);
      // A batch with no valid sample has no statistics: normalize with the running ones (or,
      // without them, with the statistics of the whole batch) and leave the buffers alone.
      const valid = hasValues(count);
      const fallback = this.trackRunningStats
        ? { mean: this.statistics(slot).runningMean, variance: this.statistics(slot).runningVar }
        : multiplicity ? weightedChannelMoments(x, multiplicity.counts) : channelMoments(x);
      const blend = (a: tf.Tensor, b: tf.Tensor) => tf.add(tf.mul(a, valid), tf.mul(b, tf.sub(1, valid)));
      if (update) this.updateRunningStatistics(slot, mean, variance, count, valid);
      return normalizeChannels(x, blend(mean, fallback.mean), blend(variance, fallback.variance), this.eps, this.weight, this.bias);
    });
  }

  private updateRunningStatistics(
    slot: number,
    mean: tf.Tensor,
    variance: tf.Tensor,
    count: number | tf.Scalar,
    valid?: tf.Scalar,
  ): void {
    const { runningMean, runningVar, numBatchesTracked } = this.statistics(slot);
    const tracked = tf.add(numBatchesTracked, valid ? tf.cast(valid, 'int32') : tf.scalar(1, 'int32'));
    let factor: number | tf.Scalar =
      this.momentum ?? (tf.div(1, tf.maximum(tf.cast(tracked, 'float32'), 1)) as tf.Scalar);
    if (valid) factor = tf.mul(valid, factor) as tf.Scalar;
    runningMean.assign(runningAverage(runningMean, mean, factor));
    runningVar.assign(runningAverage(runningVar, unbiasedVariance(variance, count), factor));
    numBatchesTracked.assign(tracked);
  }
}
