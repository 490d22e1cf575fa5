import * as tf from '@tensorflow/tfjs-core';
import { Dataset, collateSkeletons, layoutByName, streamOptionsOf, type NtuBenchmark, type SkeletonSample } from '@skelnorm/data';
import { Generator } from '@skelnorm/nn';
import type { Batch, BatchStream, FitData } from '@skelnorm/trainer';
import type { TrainConfig } from './train-config.js';
import type { Augmentation } from './clip-config.js';
import { augmentSample, testClips, trainClip, type ClipSource } from './clip-pipeline.js';

/**
 * The samples of a run, split and packed ([M, T, V, C] each), with the batch streams that `fit`,
 * `evaluate`, `recalibrate` and `diagnose` pull. Built once per process and shared by the runs
 * of an ablation.
 */
export class TrainingData {
  constructor(
    readonly train: readonly SkeletonSample[],
    readonly test: readonly SkeletonSample[],
    readonly numClasses: number,
    /** One line for logs and reports, e.g. `synthetic NTU-like, 60 classes, 720 train / 720 test (ntu60-xsub)`. */
    readonly description: string,
    readonly classNames?: readonly string[],
    /**
     * The samples at their recorded length for `crop-resize` and `uniform` sampling; `train` and
     * `test` then hold each sample's fixed test clip (what eval-mode passes, statistics and the
     * doctor see), and training cuts new clips from here every epoch.
     */
    readonly clipSource?: ClipSource,
  ) {
    if (train.length === 0) throw new Error(`no training samples (${description})`);
  }

  /**
   * A content hash of both splits (names, labels, every coordinate's bits; FNV-1a, 32 bits, hex):
   * a resumed run checks it against the one it started with, so changed data is never mixed in.
   */
  fingerprint(): string {
    // The splits never change after construction; a run, a queued job and its worker all ask.
    this.hash ??= this.computeFingerprint();
    return this.hash;
  }

  private hash: string | undefined;

  private computeFingerprint(): string {
    let h = 0x811c9dc5;
    const mix = (x: number) => {
      h = Math.imul(h ^ (x & 0xff), 0x01000193);
      h = Math.imul(h ^ ((x >>> 8) & 0xff), 0x01000193);
      h = Math.imul(h ^ ((x >>> 16) & 0xff), 0x01000193);
      h = Math.imul(h ^ (x >>> 24), 0x01000193);
    };
    for (const split of [this.train, this.test]) {
      mix(split.length);
      for (const s of split) {
        for (let i = 0; i < s.name.length; i++) mix(s.name.charCodeAt(i));
        mix(s.label);
        const bits = new Uint32Array(s.data.buffer, s.data.byteOffset, s.data.length);
        for (let i = 0; i < bits.length; i++) mix(bits[i]!);
      }
    }
    return (h >>> 0).toString(16).padStart(8, '0');
  }

  /** T of the samples (all samples of a run share one shape). */
  get frames(): number {
    return this.train[0]!.frames;
  }

  /** M, person slots of the samples (`skelnorm pack --bodies 1` gives 1). */
  get persons(): number {
    return this.train[0]!.persons;
  }

  /** Training steps per epoch (the last, smaller batch is dropped, as `drop_last=True`). */
  stepsPerEpoch(batchSize: number): number {
    return Math.max(1, Math.floor(this.train.length / batchSize));
  }

  /**
   * Training batches of one epoch: a whole-set permutation seeded by (seed, epoch) when
   * `shuffle`, else file order. The last partial batch is dropped so that BatchNorm never sees a
   * batch of one (unless the set is smaller than a batch). Each sample's random clip (crop-resize,
   * uniform) and `augment` draw from `new Generator(seed, epoch, index)`, index = its stored position:
   * a pure function of the sample and the epoch, so a resumed run sees the same clips.
   * `coordinates`: the channels that `scale` scales (see `augmentSample`; default min(3, C)).
   */
  trainBatches(batchSize: number, epoch: number, seed: number, shuffle: boolean, augment: readonly Augmentation[] = [], coordinates?: number): BatchStream {
    const source = this.clipSource;
    const all =
      source || augment.length > 0
        ? Dataset.fromArray(source?.train ?? this.train).map((sample, info) => {
            const random = new Generator(seed, info.epoch, info.index);
            return augmentSample(source ? trainClip(source, sample, random) : sample, augment, random, coordinates);
          })
        : Dataset.fromArray(this.train);
    const ordered = shuffle ? all.shuffle(seed) : all;
    const dropRemainder = this.train.length >= batchSize;
    return ordered.batch(batchSize, { dropRemainder }).prefetch(2).epoch(epoch) as AsyncIterable<Batch>;
  }

  /**
   * Evaluation batches, every sample once, in a fixed seeded random order. With running statistics
   * the order does not matter; with batch statistics (`trackRunningStats: false`, or `evaluate`'s
   * `batchStatistics`) it does: a batch of one class, as a class-major stored order gives, has
   * statistics that no training batch had. A mixed order measures what the model would do on a
   * stream of test samples. The last, smaller batch is merged into the one before, so that a
   * model that normalizes with batch statistics in eval mode never gets a batch of one. With
   * `clips` > 1 (uniform sampling) a batch of `batchSize` samples carries their `clips` fixed test
   * clips each (`Batch.clips`), whose logits `evaluate` averages.
   */
  testBatches(batchSize: number, options: MixedBatchOptions & { readonly clips?: number } = {}): BatchStream {
    const clips = options.clips ?? 1;
    if (clips === 1) return mixedBatches(this.test, batchSize, { mergeRemainder: true, ...options });
    const { samples, clipsOf } = this.testClipSamples(clips);
    return Dataset.fromArray(samples)
      .shuffle(options.shuffleSeed ?? MIXED_ORDER_SEED)
      .map((sample) => clipsOf(sample))
      .chunk(batchSize, { dropRemainder: options.dropRemainder ?? false, mergeRemainder: options.mergeRemainder ?? true })
      .map((groups) => clipBatch(groups, clips))
      .prefetch(2)
      .epoch(0) as AsyncIterable<Batch>;
  }

  /**
   * The test samples and, for each, its `clips` fixed test clips (multi-clip testing needs
   * `uniform` sampling; one clip is the stored test sample itself).
   */
  testClipSamples(clips: number): { readonly samples: readonly SkeletonSample[]; readonly clipsOf: (sample: SkeletonSample) => readonly SkeletonSample[] } {
    if (clips === 1) return { samples: this.test, clipsOf: (sample) => [sample] };
    const source = this.clipSource;
    if (source?.sampling !== 'uniform') throw new RangeError(`${clips} test clips need uniform sampling; ${this.description} has ${source?.sampling ?? 'resample'} sampling`);
    return { samples: source.test, clipsOf: (sample) => testClips(source, sample, clips) };
  }

  /**
   * The training split, every sample once, in a fixed seeded random order (eval-mode train
   * accuracy, and the statistics passes of PreciseBN and the doctor, which see batches like
   * training's: mixed classes).
   */
  trainEvalBatches(batchSize: number, options: MixedBatchOptions = {}): BatchStream {
    return mixedBatches(this.train, batchSize, { mergeRemainder: true, ...options });
  }

  /**
   * Batches for passes that normalize with batch statistics (PreciseBN, the doctor, evaluation with
   * batch statistics): mixed order, every sample once, and the last, smaller batch merged into the
   * one before (a batch of one sample fails in BatchNorm1d, a batch of a few gives noise).
   */
  statisticsBatches(split: 'train' | 'test', batchSize: number): BatchStream {
    return mixedBatches(split === 'train' ? this.train : this.test, batchSize, { mergeRemainder: true });
  }

  /**
   * The training split cut in two in a fixed seeded order: `holdout`, a `fraction` of it (at least
   * two samples), on which the doctor scores its repair candidates, and `statistics`, the rest,
   * from which the candidates' statistics come. Scoring on the samples the statistics came from
   * would favour whichever candidate fits them closest.
   */
  holdoutSplit(fraction = HOLDOUT_FRACTION): { readonly statistics: readonly SkeletonSample[]; readonly holdout: readonly SkeletonSample[] } {
    const order = Array.from(new Generator(HOLDOUT_SEED).permutation(this.train.length), (i) => this.train[i]!);
    const size = Math.min(order.length - 2, Math.max(2, Math.round(order.length * fraction)));
    if (size < 2) throw new Error(`a held-out slice needs at least 4 training samples, got ${order.length} (${this.description})`);
    return { holdout: order.slice(0, size), statistics: order.slice(size) };
  }

  /** What `fit` pulls for `config`; without `evaluate`, `fit` emits no eval events. */
  fitData(config: TrainConfig, options: { readonly evaluate?: boolean } = {}): FitData {
    return {
      train: (epoch, seed) => this.trainBatches(config.batchSize, epoch, seed, config.shuffle, config.augment, coordinateChannels(config)),
      ...(options.evaluate === false ? {} : { test: () => this.testBatches(config.evalBatchSize, { clips: config.testClips ?? 1 }) }),
      // PreciseBN statistics from the training set with the training batch size.
      calibration: () => this.statisticsBatches('train', config.batchSize),
    };
  }
}

/** The seed of the fixed mixed order of statistics passes (any constant; fixed so that runs compare). */
export const MIXED_ORDER_SEED = 1234;

/** The doctor's held-out slice of the training split: its share and the seed that picks it. */
export const HOLDOUT_FRACTION = 0.2;
const HOLDOUT_SEED = 4321;

export interface MixedBatchOptions {
  /** Seed of the order. Default {@link MIXED_ORDER_SEED}. */
  readonly shuffleSeed?: number;
  /** Leave out the last, smaller batch. Default false (every sample once). */
  readonly dropRemainder?: boolean;
  /** Merge the last, smaller batch into the one before. Default false. */
  readonly mergeRemainder?: boolean;
}

export function mixedBatches(samples: readonly SkeletonSample[], batchSize: number, options: MixedBatchOptions): BatchStream {
  return Dataset.fromArray(samples)
    .shuffle(options.shuffleSeed ?? MIXED_ORDER_SEED)
    .batch(batchSize, { dropRemainder: options.dropRemainder ?? false, mergeRemainder: options.mergeRemainder ?? false })
    .prefetch(2)
    .epoch(0) as AsyncIterable<Batch>;
}

/**
 * Yields the batches of `stream` and disposes each one when the consumer asks for the next
 * (for consumers such as `recalibrate` and `diagnose` that leave disposal to the caller).
 */
export async function* disposingBatches(stream: BatchStream): AsyncGenerator<Batch & { x: tf.Tensor }> {
  for await (const batch of stream) {
    try {
      yield batch;
    } finally {
      batch.x.dispose();
      batch.y.dispose();
      batch.mask?.dispose();
    }
  }
}

/** One batch of `N` samples' clips: x and mask `N * clips` rows, sample-major; y the `N` labels. */
function clipBatch(groups: readonly (readonly SkeletonSample[])[], clips: number): Batch & { dispose(): void } {
  const collated = collateSkeletons(groups.flat());
  collated.y.dispose();
  const y = tf.tensor1d(groups.map((g) => g[0]!.label), 'int32');
  return { x: collated.x, y, mask: collated.mask, clips, dispose: () => tf.dispose([collated.x, y, collated.mask]) };
}

export const BENCHMARKS: readonly NtuBenchmark[] = ['ntu60-xsub', 'ntu60-xview', 'ntu120-xsub', 'ntu120-xset'];

/** Channels of the run's layout that are coordinates: x, y, z for ntu25; x, y before a 2D layout's confidence. */
function coordinateChannels(config: Pick<TrainConfig, 'layout'>): number | undefined {
  if (config.layout === undefined || config.layout === 'ntu25') return undefined;
  const layout = layoutByName(config.layout);
  return streamOptionsOf(layout).confidence ?? layout.channels;
}
