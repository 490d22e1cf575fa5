import * as tf from '@tensorflow/tfjs-core';
import {
  Conv2d,
  Flatten,
  Generator,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  type ForwardContext,
} from '@skelnorm/nn';
import { foldPersons, layoutByName, layoutNames, maxMergePersons, personMask, type LayoutName } from '@skelnorm/data';
import { DROPOUT_KINDS, makeDropout, type DropoutKind } from './dropout-kind.js';
import { MODEL_NORMS, makeNorm, type ModelNorm, type NormSettings } from './model-norm.js';
import { withDefaults, type ModelInfo, type ResolvedOptions } from './option-schema.js';
import { assertSkeletonBatch } from './skeleton-batch.js';
import { callPersonSparse, readPersonPresence } from './seed-cnn-sparse.js';

/**
 * How the persons of a sample go through the shared conv stack:
 * - `per-person`: one call per person slot, as the seed does — a BatchNorm there is called M times
 *   per step and its running statistics blend the persons (the seed's train/eval gap);
 * - `per-person-stats`: the same calls with `context.slot` = person index and per-slot BatchNorm
 *   statistics (shared affine weights); needs `norm: 'batch'` or `'masked-batch'`;
 * - `folded`: persons folded into the batch ([N*M, T, V, C]), one call, then unfolded for the max.
 */
export type PersonMode = 'per-person' | 'per-person-stats' | 'folded';

export const PERSON_MODES: readonly PersonMode[] = ['per-person', 'per-person-stats', 'folded'];

export interface SeedCnnOptions {
  /** Output classes. Default 60 (NTU-60). */
  numClasses?: number;
  /** Normalization after each conv and after fc1's Linear. Default `batch` (the seed's). */
  norm?: ModelNorm;
  /** Default `per-person` (the seed's). */
  personMode?: PersonMode;
  /** BatchNorm momentum, PyTorch convention (weight of the new batch; null = cumulative). Default 0.1; the seed used 0.01. */
  bnMomentum?: number | null;
  /** BatchNorm keeps running statistics (false: batch statistics in eval too). Default true. */
  trackRunningStats?: boolean;
  /** Groups of `group` norm (the largest divisor of each width up to this). Default 32. */
  normGroups?: number;
  /** Dropout probability after fc1. Default 0.5. */
  dropout?: number;
  /** Default `standard`. */
  dropoutKind?: DropoutKind;
  /** Frames T of the input. Default 64. */
  frames?: number;
  /** Person slots M of the input. Default 2. */
  persons?: number;
  /** Seed of the generator for weight init and dropout masks. Default 0. */
  seed?: number;
  /**
   * Compute the conv stack once for all absent (all-zero) persons of a call and count that
   * representative with its multiplicity in BatchNorm statistics and gradients: the dense numbers
   * for less work. Default true; false runs every person slot.
   */
  personSparse?: boolean;
  /** Joint layout of the input (`@skelnorm/data` layouts): V and C, hence fc1's width. Default `ntu25`. */
  layout?: LayoutName;
}

const DEFAULTS = {
  numClasses: 60,
  norm: 'batch',
  personMode: 'per-person',
  bnMomentum: 0.1,
  trackRunningStats: true,
  normGroups: 32,
  dropout: 0.5,
  dropoutKind: 'standard',
  frames: 64,
  persons: 2,
  seed: 0,
  personSparse: true,
  layout: 'ntu25',
} as const satisfies Required<SeedCnnOptions>;

export type ResolvedSeedCnnOptions = ResolvedOptions<SeedCnnOptions>;

/** Joints of NTU skeletons, the default layout's V (fc1's width depends on the layout's V). */
const JOINTS = 25;
const WIDTHS = [32, 64, 128] as const;

export const seedCnnInfo: ModelInfo = {
  name: 'seed-cnn',
  description: 'The seed question\'s CNN: 3 conv blocks (3x3, 32/64/128, norm, ReLU, maxpool 2) shared by the persons, max over persons, fc 3072-512-classes',
  reference: 'the seed question (PyTorch); golden files seed_model_*.safetensors',
  options: [
    { name: 'numClasses', type: 'integer', default: DEFAULTS.numClasses, min: 1, description: 'output classes' },
    { name: 'norm', type: 'enum', default: DEFAULTS.norm, choices: MODEL_NORMS, description: 'normalization after each conv and fc1' },
    { name: 'personMode', type: 'enum', default: DEFAULTS.personMode, choices: PERSON_MODES, description: 'persons as separate calls, separate calls with per-slot BN statistics, or folded into the batch' },
    { name: 'bnMomentum', type: 'number', default: DEFAULTS.bnMomentum, min: 0, max: 1, nullable: true, description: 'BatchNorm momentum, PyTorch convention (null = cumulative average); the seed used 0.01' },
    { name: 'trackRunningStats', type: 'boolean', default: DEFAULTS.trackRunningStats, description: 'BatchNorm keeps running statistics (false: batch statistics in eval)' },
    { name: 'normGroups', type: 'integer', default: DEFAULTS.normGroups, min: 1, description: 'groups of GroupNorm' },
    { name: 'dropout', type: 'number', default: DEFAULTS.dropout, min: 0, max: 0.99, description: 'dropout probability after fc1' },
    { name: 'dropoutKind', type: 'enum', default: DEFAULTS.dropoutKind, choices: DROPOUT_KINDS, description: 'standard (off in eval) or always-on (F.dropout without training=, a common bug)' },
    { name: 'frames', type: 'integer', default: DEFAULTS.frames, min: 8, description: 'frames T of the input' },
    { name: 'persons', type: 'integer', default: DEFAULTS.persons, min: 1, description: 'person slots M of the input' },
    { name: 'seed', type: 'integer', default: DEFAULTS.seed, min: 0, description: 'seed for weight init and dropout' },
    { name: 'personSparse', type: 'boolean', default: DEFAULTS.personSparse, description: 'compute absent (all-zero) persons once, counted with their multiplicity (same numbers as dense)' },
    { name: 'layout', type: 'enum', default: DEFAULTS.layout, choices: layoutNames, description: `joint layout of the input: ${layoutNames.join(', ')}; sets V, C and fc1's width` },
  ],
};

/**
 * The seed question's skeleton CNN, with every normalization and person mode as an option.
 *
 * Per person, [N, T, V=25, 3] -> conv1..conv3, each `Sequential(Conv2d(3x3, pad 1), norm, ReLU,
 * MaxPool2d(2))` with 32, 64, 128 channels -> [N, T/8, 3, 128]; element-wise max over persons;
 * flattened in PyTorch's (C, H, W) order -> 128 * T/8 * 3 (3072 at T = 64);
 * `fc1 = Sequential(Linear(3072, 512), norm1d, ReLU, Dropout)`, `fc2 = Sequential(Linear(512, K))`.
 * Input [N, M, T, 25, 3] -> logits [N, K]. State-dict names are the seed's PyTorch names
 * (`conv1.0.weight`, `conv1.1.running_mean`, `fc1.1.weight`, `fc2.0.bias`); with `norm: 'none'` the
 * norm slots hold `Identity` and no keys.
 *
 * With `personSparse` (default) the absent persons of each stack call are computed once and
 * counted with their multiplicity (`seed-cnn-sparse.ts`): the dense numbers for less work.
 *
 * Parameters at T = 64, K = 60 (BatchNorm's running statistics are buffers, not parameters):
 * conv1 3*32*9 + 32 = 896, conv2 32*64*9 + 64 = 18,496, conv3 64*128*9 + 128 = 73,856,
 * fc1 3072*512 + 512 = 1,573,376, fc2 512*60 + 60 = 30,780: 1,697,404 without norm;
 * BatchNorm/LayerNorm/GroupNorm add 2 * (32 + 64 + 128 + 512) = 1,472 -> **1,698,876**
 * (frozen BatchNorm holds its affine as buffers: 1,697,404).
 */
export class SeedCnn extends Module {
  readonly modelName = 'seed-cnn';
  readonly config: Readonly<ResolvedSeedCnnOptions>;
  /** Draws the initial weights and the dropout masks. Save its state to resume a run exactly. */
  readonly generator: Generator;
  readonly conv1: Sequential;
  readonly conv2: Sequential;
  readonly conv3: Sequential;
  readonly fc1: Sequential;
  readonly fc2: Sequential;
  private readonly flatten = new Flatten({ order: 'channels-first' });

  constructor(options: SeedCnnOptions = {}) {
    super();
    const config: ResolvedSeedCnnOptions = withDefaults<ResolvedSeedCnnOptions>(DEFAULTS, options);
    this.config = Object.freeze(config);
    if (config.personMode === 'per-person-stats' && config.norm !== 'batch' && config.norm !== 'masked-batch') {
      throw new Error(`seed-cnn: personMode 'per-person-stats' keeps per-slot BatchNorm statistics and needs norm 'batch' or 'masked-batch', got '${config.norm}'`);
    }
    if (config.frames < 8) throw new Error(`seed-cnn: frames must be >= 8 (three 2x2 poolings), got ${config.frames}`);
    const layout = layoutByName(config.layout);
    const generator = (this.generator = new Generator(config.seed));
    const settings: NormSettings = { momentum: config.bnMomentum, trackRunningStats: config.trackRunningStats, numGroups: config.normGroups };
    const slots = config.personMode === 'per-person-stats' ? config.persons : 1;
    const block = (inChannels: number, outChannels: number) => new Sequential(
      new Conv2d({ inChannels, outChannels, kernelSize: 3, padding: 1, generator }),
      makeNorm(config.norm, outChannels, 2, settings, slots),
      new ReLU(),
      new MaxPool2d({ kernelSize: 2 }),
    );
    const [c1, c2, c3] = WIDTHS;
    this.conv1 = this.registerModule('conv1', block(layout.channels, c1));
    this.conv2 = this.registerModule('conv2', block(c1, c2));
    this.conv3 = this.registerModule('conv3', block(c2, c3));
    // fc1 runs once, after the max over persons: every row is a real sample, no slots, no mask.
    const fcNorm: ModelNorm = config.norm === 'masked-batch' ? 'batch' : config.norm;
    this.fc1 = this.registerModule('fc1', new Sequential(
      new Linear({ inFeatures: seedCnnFeatures(config.frames, layout.joints), outFeatures: 512, generator }),
      makeNorm(fcNorm, 512, 1, settings),
      new ReLU(),
      makeDropout(config.dropoutKind, config.dropout, generator),
    ));
    this.fc2 = this.registerModule('fc2', new Sequential(new Linear({ inFeatures: 512, outFeatures: config.numClasses, generator })));
  }

  /** [N, M, T, V, C] -> logits [N, numClasses] (V, C: the layout's, 25 and 3 for ntu25). */
  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const { frames, persons, personMode, norm, personSparse } = this.config;
    const { joints, channels } = layoutByName(this.config.layout);
    assertSkeletonBatch('seed-cnn', x, { frames, persons, joints, channels });
    const masked = norm === 'masked-batch';
    // The batch's [N, M] person mask is for the model; the conv stack gets the per-row mask it
    // builds below (masked-batch only), whose rows are the persons it normalizes.
    const { mask: _batchMask, ...perRow } = context;
    const stack = (input: tf.Tensor, ctx: ForwardContext) =>
      this.conv3.call(this.conv2.call(this.conv1.call(input, ctx), ctx), ctx);
    // Sample-major presence [N * M]; undefined runs every person (dense).
    const present = personSparse ? readPersonPresence(x) : undefined;
    const run = (input: tf.Tensor, rows: ArrayLike<number> | undefined, ctx: ForwardContext) =>
      rows ? callPersonSparse(stack, input, rows, ctx) : stack(input, ctx);
    let merged: tf.Tensor;
    if (personMode === 'folded') {
      const mask = masked ? tf.reshape(personMask(x), [-1]) : undefined;
      const maps = run(foldPersons(x), present, { ...perRow, ...(mask ? { mask } : {}) });
      merged = maxMergePersons(maps, persons);
    } else {
      const masks = masked ? tf.unstack(personMask(x), 1) : [];
      const n = x.shape[0] ?? 0;
      // The slot is passed in both per-person modes: plain BatchNorm ignores it, and it lets
      // norm's `repair` give a shared layer one set of statistics per person without retraining.
      const maps = tf.unstack(x, 1).map((person, m) => run(
        person,
        present && Array.from({ length: n }, (_, i) => present[i * persons + m]!),
        { ...perRow, slot: m, ...(masked ? { mask: masks[m] } : {}) },
      ));
      merged = maps.reduce((a, b) => tf.maximum(a, b));
    }
    return this.fc2.call(this.fc1.call(this.flatten.call(merged), context), context);
  }
}

/** fc1's input width: 128 channels * floor(floor(floor(T/2)/2)/2) * floor(floor(floor(V/2)/2)/2) joint rows (NTU: 25 -> 12 -> 6 -> 3). */
export function seedCnnFeatures(frames: number, joints: number = JOINTS): number {
  const pooled = (n: number) => Math.floor(Math.floor(Math.floor(n / 2) / 2) / 2);
  return WIDTHS[2] * pooled(frames) * pooled(joints);
}
