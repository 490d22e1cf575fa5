import { availableParallelism } from 'node:os';
import { layoutNames, layouts, type LayoutName } from '@skelnorm/data';
import { modelInfo, modelNames, parseOptionAssignments } from '@skelnorm/models';
import type { LrScheduleSpec, OptimizerSpec } from '@skelnorm/trainer';
import { UsageError } from '../command.js';
import type { ParsedFlags } from '../args/flags.js';
import { PRESET_NAMES, TRAIN_PRESETS } from './presets.js';
import { CLIP_FLAGS, resolveClipConfig, type ClipConfig } from './clip-config.js';

export const BACKENDS = ['auto', 'node-gpu', 'node-webgpu', 'node', 'wasm', 'cpu'] as const;
export type BackendFlag = (typeof BACKENDS)[number];

/** Where the samples come from. */
export type DataSource =
  | {
      readonly kind: 'synthetic';
      /** Classes of the built-in synthetic NTU-like set. */
      readonly classes: number;
      /** Samples per class (spread over the performers, cameras, replications). */
      readonly perClass: number;
      /** Seed of the generator (fixed: the data is the same for every run unless asked). */
      readonly seed: number;
    }
  | {
      readonly kind: 'dir';
      /** A packed cache folder or a folder of `.skeleton` files. */
      readonly path: string;
    };

/**
 * How skeletons are preprocessed before packing: `centred` (default) trims empty frames, centres
 * on the first frame's spine, aligns the view and resamples to T; `camera` keeps the Kinect
 * camera coordinates as recorded (what ST-GCN's NTU `.npy` files hold), trimmed and resampled only.
 */
export type Coordinates = 'centred' | 'camera';
export const COORDINATES: readonly Coordinates[] = ['centred', 'camera'];

/**
 * Everything a training run depends on, resolved from flags and defaults; written to
 * `config.json` and into every checkpoint so that `--resume`, `eval` and `doctor` rebuild the
 * same model and data.
 */
export interface TrainConfig extends ClipConfig {
  readonly model: string;
  /** Options passed to `createModel(model, ...)` (validated by the model's schema). */
  readonly modelOptions: Readonly<Record<string, unknown>>;
  readonly data: DataSource;
  /** Preprocessing of `.skeleton` input; absent in configs written before it existed: `centred`. */
  readonly coords?: Coordinates;
  /** Joint layout of the samples and the model (`@skelnorm/data` layouts); absent: `ntu25` (3D NTU). */
  readonly layout?: LayoutName;
  /** NTU benchmark split: `ntu60-xsub` (cross-subject) by default. */
  readonly split: string;
  /** Frames T per sample. */
  readonly frames: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Batch size of evaluation passes. */
  readonly evalBatchSize: number;
  readonly optimizer: OptimizerSpec;
  readonly schedule: LrScheduleSpec;
  readonly labelSmoothing: number;
  readonly clipGradNorm?: number;
  readonly seed: number;
  /** Shuffle the training set every epoch (seeded). */
  readonly shuffle: boolean;
  /** PreciseBN (recalibrate running statistics) before each evaluation. */
  readonly recalibrate: boolean;
  /** Worker replicas for data-parallel training; 0 or 1 = in the main thread. */
  readonly workers: number;
  readonly backend: BackendFlag;
  /** Weights the run started from (`train --init`): a checkpoint, run folder or PyTorch state dict. */
  readonly init?: string;
  /** `TrainingData.fingerprint()` of the data the run started on (set by `train`; checked on resume). */
  readonly dataFingerprint?: string;
}

/**
 * The defaults of `skelnorm train`: the seed CNN as the seed question built it, on the built-in
 * synthetic set, sized so that a run finishes in a few minutes on a 2-core machine.
 */
export const TRAIN_DEFAULTS = {
  model: 'seed-cnn',
  epochs: 8,
  batchSize: 32,
  evalBatchSize: 64,
  optimizer: 'adam',
  lr: 0.001,
  schedule: 'constant',
  frames: 64,
  split: 'ntu60-xsub',
  seed: 0,
  synthetic: { classes: 12, perClass: 48, seed: 0 },
} as const;

/** Flags shared by `train` and `ablate`. */
export const TRAINING_FLAGS = {
  preset: {
    type: 'choice',
    choices: PRESET_NAMES,
    description: `defaults for data and schedule; other flags still win. ${Object.values(TRAIN_PRESETS).map((p) => `${p.name}: ${p.description}; ${p.runTime} per run on 2 cores`).join('. ')}`,
  },
  model: { type: 'string', description: `model: ${modelNames().join('|')} (default seed-cnn)` },
  norm: { type: 'string', description: 'normalization: none|batch|layer|group|frozen|masked-batch (model default)' },
  'person-mode': { type: 'string', description: 'per-person|per-person-stats|folded (model default)' },
  'model-option': {
    type: 'string',
    description: "any of the model's options by name, checked against it: KEY=VALUE[,KEY=VALUE] (e.g. width=small for stgcn, baseChannels=16 for ctrgcn; an unknown key's error lists the model's options)",
    placeholder: 'K=V,...',
  },
  'bn-momentum': { type: 'string', description: "BatchNorm momentum, PyTorch convention, or 'null' for a cumulative average", placeholder: 'M' },
  'no-running-stats': { type: 'boolean', description: 'BatchNorm without running statistics (batch statistics in eval)' },
  dropout: { type: 'number', description: 'dropout probability (model default)', min: 0, max: 0.99, placeholder: 'P' },
  epochs: { type: 'int', description: `training epochs (default ${TRAIN_DEFAULTS.epochs})`, min: 1 },
  'batch-size': { type: 'int', description: `training batch size (default ${TRAIN_DEFAULTS.batchSize})`, min: 1 },
  lr: { type: 'number', description: `learning rate (default ${TRAIN_DEFAULTS.lr}; sgd 0.01)`, min: 0, placeholder: 'LR' },
  optimizer: { type: 'choice', choices: ['sgd', 'adam', 'adamw'], description: `optimizer (default ${TRAIN_DEFAULTS.optimizer})` },
  momentum: { type: 'number', description: 'SGD momentum (default 0.9)', min: 0, max: 1 },
  nesterov: { type: 'boolean', description: 'SGD with Nesterov momentum' },
  'weight-decay': { type: 'number', description: 'weight decay (default 0; adamw 0.01)', min: 0 },
  schedule: { type: 'choice', choices: ['constant', 'cosine', 'step'], description: 'learning-rate schedule (default constant)' },
  'warmup-epochs': { type: 'int', description: 'linear warmup epochs', min: 0 },
  'label-smoothing': { type: 'number', description: 'label smoothing (default 0)', min: 0, max: 1 },
  'clip-grad-norm': { type: 'number', description: 'clip gradients to this global L2 norm', min: 0 },
  recalibrate: { type: 'boolean', description: 'PreciseBN: re-estimate BatchNorm statistics before each evaluation' },
  'no-shuffle': { type: 'boolean', description: 'keep the training order fixed (do not shuffle every epoch)' },
  seed: { type: 'int', description: 'seed of weights, data order, dropout (default 0)', min: 0 },
  workers: { type: 'int', description: 'worker threads for data-parallel training (default: CPU cores; 1 = main thread)', min: 0 },
  backend: { type: 'choice', choices: BACKENDS, description: 'tfjs backend (default auto)' },
  data: { type: 'string', description: '`skelnorm pack` output, sample cache, folder of .skeleton files, ST-GCN <split>_data_joint.npy + <split>_label.pkl (a folder or one file), or CTR-GCN .npz (default: the built-in synthetic set)', placeholder: 'PATH' },
  split: { type: 'choice', choices: ['ntu60-xsub', 'ntu60-xview', 'ntu120-xsub', 'ntu120-xset'], description: 'NTU benchmark split (default ntu60-xsub)' },
  coords: {
    type: 'choice',
    choices: COORDINATES,
    description: 'skeleton preprocessing: centred (default: centred on the spine, view-aligned) or camera (Kinect camera coordinates as recorded, as in ST-GCN\'s NTU .npy)',
  },
  layout: { type: 'choice', choices: layoutNames, description: 'joint layout: ntu25 (default, 3D Kinect), ntu25-2d (colour-image x, y, tracking confidence) or coco17 (x, y, score), ntu25-live (3D, the joints a pose estimator lacks synthesised, for live recognition); the 2D layouts train on the built-in synthetic set\'s projection' },
  frames: { type: 'int', description: `frames T per sample (default ${TRAIN_DEFAULTS.frames})`, min: 8 },
  classes: { type: 'int', description: `synthetic set: classes, 2-30 (default ${TRAIN_DEFAULTS.synthetic.classes})`, min: 2, max: 30 },
  'per-class': { type: 'int', description: `synthetic set: samples per class (default ${TRAIN_DEFAULTS.synthetic.perClass})`, min: 2 },
  'data-seed': { type: 'int', description: `synthetic set: generator seed (default ${TRAIN_DEFAULTS.synthetic.seed})`, min: 0 },
  ...CLIP_FLAGS,
} as const;

export type TrainingFlags = ParsedFlags<typeof TRAINING_FLAGS>;


function parseMomentum(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'null' || text === 'none' || text === 'cumulative') return null;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`--bn-momentum expects a number in [0, 1] or 'null', got '${text}'`);
  }
  return value;
}

/** Default number of worker replicas: one per core, as the trainer's `--workers` wants. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** Resolves flags and defaults into a `TrainConfig`. `base` supplies defaults that differ (ablate). */
export function resolveTrainConfig(flags: TrainingFlags, commandBase: Partial<TrainConfig> = {}): TrainConfig {
  // A preset is the user's choice, so it overrides the command's defaults; flags override both.
  const preset = flags.preset !== undefined ? TRAIN_PRESETS[flags.preset]?.config : undefined;
  const base: Partial<TrainConfig> = preset
    ? { ...commandBase, ...preset, modelOptions: { ...commandBase.modelOptions, ...preset.modelOptions } }
    : commandBase;
  const model = flags.model ?? base.model ?? TRAIN_DEFAULTS.model;
  const modelOptions: Record<string, unknown> = { ...(base.modelOptions ?? {}) };
  if (flags['model-option'] !== undefined) {
    try {
      Object.assign(modelOptions, parseOptionAssignments(model, modelInfo(model).options, flags['model-option']));
    } catch (error) {
      throw new UsageError(`--model-option: ${(error as Error).message}`);
    }
  }
  // Flags that would do nothing with the chosen norm are refused rather than ignored.
  const batchNorm = (norm: unknown) => norm === undefined || norm === 'batch' || norm === 'masked-batch';
  if (flags.norm !== undefined && !batchNorm(flags.norm)) {
    const bnOnly = (['no-running-stats', 'bn-momentum'] as const).filter((f) => flags[f] !== undefined && flags[f] !== false);
    if (bnOnly.length > 0) throw new UsageError(`--${bnOnly.join(', --')} appl${bnOnly.length === 1 ? 'ies' : 'y'} to BatchNorm (--norm batch or masked-batch), not --norm ${flags.norm}`);
  }
  if (flags.norm !== undefined) modelOptions.norm = flags.norm;
  if (flags['person-mode'] !== undefined) modelOptions.personMode = flags['person-mode'];
  const momentum = parseMomentum(flags['bn-momentum']);
  if (momentum !== undefined) modelOptions.bnMomentum = momentum;
  if (flags['no-running-stats']) modelOptions.trackRunningStats = false;
  if (flags.dropout !== undefined) modelOptions.dropout = flags.dropout;

  const optimizerName = flags.optimizer ?? base.optimizer?.name ?? TRAIN_DEFAULTS.optimizer;
  const lr = flags.lr ?? base.optimizer?.lr ?? (optimizerName === 'sgd' ? 0.01 : TRAIN_DEFAULTS.lr);
  const weightDecay = flags['weight-decay'];
  let optimizer: OptimizerSpec;
  if (optimizerName === 'sgd') {
    optimizer = { name: 'sgd', lr, momentum: flags.momentum ?? 0.9, nesterov: flags.nesterov, ...(weightDecay !== undefined ? { weightDecay } : {}) };
  } else {
    if (flags.momentum !== undefined || flags.nesterov) throw new UsageError('--momentum and --nesterov apply to --optimizer sgd');
    optimizer = { name: optimizerName as 'adam' | 'adamw', lr, ...(weightDecay !== undefined ? { weightDecay } : {}) };
  }
  const scheduleName = flags.schedule ?? base.schedule?.name ?? TRAIN_DEFAULTS.schedule;
  const epochs = flags.epochs ?? base.epochs ?? TRAIN_DEFAULTS.epochs;
  if (flags['warmup-epochs'] !== undefined && flags['warmup-epochs'] >= epochs) {
    throw new UsageError(`--warmup-epochs ${flags['warmup-epochs']} is not shorter than the run (${epochs} epochs): the learning rate would never reach --lr`);
  }
  const schedule: LrScheduleSpec = {
    name: scheduleName as LrScheduleSpec['name'],
    ...(scheduleName === 'step' ? { stepSize: Math.max(1, Math.round(epochs / 3)) } : {}),
    ...(flags['warmup-epochs'] ? { warmupEpochs: flags['warmup-epochs'] } : {}),
  };

  let data: DataSource;
  const baseSynthetic = base.data?.kind === 'synthetic' ? base.data : undefined;
  if (flags.data !== undefined) {
    if (flags.classes !== undefined || flags['per-class'] !== undefined || flags['data-seed'] !== undefined) {
      throw new UsageError('--classes, --per-class and --data-seed describe the synthetic set; they do not go with --data');
    }
    data = { kind: 'dir', path: flags.data };
  } else {
    data = {
      kind: 'synthetic',
      classes: flags.classes ?? baseSynthetic?.classes ?? TRAIN_DEFAULTS.synthetic.classes,
      perClass: flags['per-class'] ?? baseSynthetic?.perClass ?? TRAIN_DEFAULTS.synthetic.perClass,
      seed: flags['data-seed'] ?? baseSynthetic?.seed ?? TRAIN_DEFAULTS.synthetic.seed,
    };
  }

  const layout = flags.layout ?? base.layout ?? 'ntu25';
  const config: TrainConfig = {
    model,
    modelOptions,
    data,
    coords: flags.coords ?? base.coords ?? 'centred',
    ...(layout !== 'ntu25' ? { layout } : {}),
    split: flags.split ?? base.split ?? TRAIN_DEFAULTS.split,
    frames: flags.frames ?? base.frames ?? TRAIN_DEFAULTS.frames,
    epochs,
    batchSize: flags['batch-size'] ?? base.batchSize ?? TRAIN_DEFAULTS.batchSize,
    evalBatchSize: base.evalBatchSize ?? TRAIN_DEFAULTS.evalBatchSize,
    optimizer,
    schedule,
    labelSmoothing: flags['label-smoothing'] ?? base.labelSmoothing ?? 0,
    ...(flags['clip-grad-norm'] !== undefined ? { clipGradNorm: flags['clip-grad-norm'] } : {}),
    seed: flags.seed ?? base.seed ?? TRAIN_DEFAULTS.seed,
    shuffle: flags['no-shuffle'] ? false : (base.shuffle ?? true),
    recalibrate: flags.recalibrate || (base.recalibrate ?? false),
    workers: flags.workers ?? base.workers ?? defaultWorkers(),
    backend: (flags.backend ?? base.backend ?? 'auto') as BackendFlag,
    ...resolveClipConfig(flags, base),
  };
  assertLayoutFits(config);
  return config;
}

/**
 * Refuses a 2D layout with what only 3D input has: `--coords camera` (Kinect camera coordinates are
 * 3D) and `--augment rotate` (a 3D rotation). `--data` is checked against the layout once loaded
 * (`assertDataFitsLayout`): its V and C decide.
 */
export function assertLayoutFits(config: Pick<TrainConfig, 'layout' | 'coords' | 'augment'>): void {
  const layout = config.layout ?? 'ntu25';
  if (layouts[layout].dimensions === 3) return;
  if (config.coords === 'camera') {
    throw new UsageError(`--coords camera keeps Kinect's 3D camera coordinates; --layout ${layout} is 2D (leave out --coords, or use --layout ntu25)`);
  }
  if (config.augment?.includes('rotate')) {
    throw new UsageError(`--augment rotate is a 3D rotation; --layout ${layout} is 2D (x, y and a confidence): use --augment scale, which scales x and y only`);
  }
}
