import { skeletonStreams, type SkeletonStream } from '@skelnorm/data';
import { UsageError } from '../command.js';

/**
 * The input recipe of a run: which stream the model sees, how clips of T frames are cut, how many
 * test clips are averaged, which random augmentations training applies. Recorded in `config.json`
 * and every checkpoint (fields left out mean the defaults, which is also what older runs hold).
 */

/**
 * How a sample reaches T frames. `resample` (default): the valid frames resampled linearly to T once,
 * when the data is loaded (the same clip every epoch). `crop-resize` (CTR-GCN): training resamples a
 * random window of 50-100% of the valid frames, testing resamples all of them. `uniform` (PYSKL): one
 * frame per segment, random in training, fixed in testing; several test clips can be averaged.
 */
export type Sampling = 'resample' | 'crop-resize' | 'uniform';
export const SAMPLINGS: readonly Sampling[] = ['resample', 'crop-resize', 'uniform'];

/** Seeded training augmentations: `rotate` (CTR-GCN's random rotation, up to 0.3 rad per axis) and `scale` (PYSKL's RandomScale, 1 ± 0.1 per axis). */
export type Augmentation = 'rotate' | 'scale';
export const AUGMENTATIONS: readonly Augmentation[] = ['rotate', 'scale'];

/** The recipe's fields of `TrainConfig`. */
export interface ClipConfig {
  /** Input stream; absent: `joint`. */
  readonly stream?: SkeletonStream;
  /** Temporal sampling; absent: `resample`. */
  readonly sampling?: Sampling;
  /** Test clips averaged per sample (`uniform` only); absent: 1. */
  readonly testClips?: number;
  /** Training augmentations, in the order applied; absent: none. */
  readonly augment?: readonly Augmentation[];
}

/** Flags of the recipe on `train` and `ablate` (`eval` takes `--stream`, `--sampling` and `--test-clips`). */
export const CLIP_FLAGS = {
  stream: { type: 'choice', choices: skeletonStreams, description: 'input stream: joint (default), bone, joint-motion or bone-motion (each joint minus its parent; frame t+1 minus frame t)' },
  sampling: { type: 'choice', choices: SAMPLINGS, description: 'how clips of T frames are cut: resample (default, once at load), crop-resize (CTR-GCN, random window) or uniform (PYSKL, one random frame per segment)' },
  'test-clips': { type: 'int', description: 'test clips per sample whose logits are averaged (--sampling uniform; default 1)', min: 1, max: 100 },
  augment: { type: 'list', description: 'seeded training augmentations: rotate, scale, or rotate,scale (default none)', placeholder: 'A,B' },
} as const;

export interface ClipFlags {
  readonly stream?: SkeletonStream | undefined;
  readonly sampling?: Sampling | undefined;
  readonly 'test-clips'?: number | undefined;
  readonly augment?: readonly string[] | undefined;
}

/** The recipe from flags over `base`, defaults left out; refuses combinations that would do nothing. */
export function resolveClipConfig(flags: ClipFlags, base: ClipConfig = {}): ClipConfig {
  const stream = flags.stream ?? base.stream ?? 'joint';
  const sampling = flags.sampling ?? base.sampling ?? 'resample';
  const testClips = flags['test-clips'] ?? base.testClips ?? 1;
  const augment = flags.augment !== undefined ? parseAugment(flags.augment) : (base.augment ?? []);
  if (testClips > 1 && sampling !== 'uniform') {
    throw new UsageError(`--test-clips ${testClips} needs --sampling uniform: ${sampling} sampling tests on one fixed clip, so more clips would all be the same`);
  }
  return {
    ...(stream !== 'joint' ? { stream } : {}),
    ...(sampling !== 'resample' ? { sampling } : {}),
    ...(testClips !== 1 ? { testClips } : {}),
    ...(augment.length > 0 ? { augment } : {}),
  };
}

function parseAugment(names: readonly string[]): Augmentation[] {
  if (names.length === 1 && names[0] === 'none') return [];
  const out: Augmentation[] = [];
  for (const name of names) {
    if (!AUGMENTATIONS.includes(name as Augmentation)) throw new UsageError(`--augment: unknown augmentation '${name}'; expected a comma-separated list of ${AUGMENTATIONS.join(', ')} (or none)`);
    if (out.includes(name as Augmentation)) throw new UsageError(`--augment: '${name}' is listed twice`);
    out.push(name as Augmentation);
  }
  return out;
}

/**
 * `eval`'s recipe: the run's own stream and sampling (a flag that names another is refused, since the
 * model never saw that input), `--test-clips` free to change. Without a recorded run (a plain state
 * dict) the flags say what the data is.
 */
export function evalClipConfig(recorded: ClipConfig | undefined, flags: ClipFlags, checkpoint: string): ClipConfig {
  if (recorded) {
    const stream = recorded.stream ?? 'joint';
    const sampling = recorded.sampling ?? 'resample';
    if (flags.stream !== undefined && flags.stream !== stream) {
      throw new UsageError(`--stream ${flags.stream}: ${checkpoint} was trained on the ${stream} stream; eval applies the run's own stream (leave out --stream, or train a ${flags.stream} run)`);
    }
    if (flags.sampling !== undefined && flags.sampling !== sampling) {
      throw new UsageError(`--sampling ${flags.sampling}: ${checkpoint} was trained with ${sampling} sampling; eval applies the run's own sampling (leave out --sampling)`);
    }
  }
  const { augment: _unused, ...rest } = recorded ?? {};
  return resolveClipConfig({ ...flags, augment: undefined }, rest);
}

/** A few words for logs, e.g. `bone stream, uniform sampling, 2 test clips, augment rotate+scale`; '' for the defaults. */
export function describeClipConfig(config: ClipConfig): string {
  const parts = [
    ...(config.stream && config.stream !== 'joint' ? [`${config.stream} stream`] : []),
    ...(config.sampling && config.sampling !== 'resample' ? [`${config.sampling} sampling`] : []),
    ...((config.testClips ?? 1) > 1 ? [`${config.testClips} test clips`] : []),
    ...(config.augment?.length ? [`augment ${config.augment.join('+')}`] : []),
  ];
  return parts.join(', ');
}
