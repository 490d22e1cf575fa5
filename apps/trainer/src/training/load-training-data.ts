import { assertSampleFitsLayout, builtinSyntheticNtu, layoutByName, layoutNames, layouts, selectSplit, skeletonStream, streamOptionsOf, type LayoutName, type NtuBenchmark, type SkeletonSample } from '@skelnorm/data';
import { UsageError, type CommandIO } from '../command.js';
import { loadSampleFolder } from './load-sample-folder.js';
import { assertLayoutFits, type TrainConfig } from './train-config.js';
import { BENCHMARKS, TrainingData } from './training-data.js';
import { describeClipConfig } from './clip-config.js';
import { testClips, type ClipSource } from './clip-pipeline.js';

/**
 * Frames kept per sample for `crop-resize` and `uniform` sampling of `.skeleton` input and the
 * synthetic set: NTU's longest recordings are 300 frames (ST-GCN's T), so nothing is cut.
 */
export const SOURCE_FRAMES = 300;

/** The configuration that decides a run's samples: all that `loadTrainingData` reads (a cache of loaded data keys on it). */
export const TRAINING_DATA_KEYS = ['data', 'split', 'frames', 'coords', 'stream', 'sampling', 'layout'] as const;
export type TrainingDataKey = (typeof TRAINING_DATA_KEYS)[number];

/**
 * The samples of a run: the built-in synthetic NTU-like set (generated in memory, deterministic
 * for its seed) or `--data` (`skelnorm pack` cache or export, `.skeleton` files), split by the NTU
 * benchmark's rule (cross-subject by default: performers decide train or test); ST-GCN and CTR-GCN
 * data keep the split their files come with. Then the run's stream (bone, motion) is computed once,
 * on the samples as loaded: after resampling to T with `resample` sampling (as CTR-GCN's feeder), at
 * the recorded frame rate before any clip is cut with `crop-resize` and `uniform` (as PYSKL, whose
 * GenSkeFeat precedes UniformSample).
 */
export async function loadTrainingData(
  config: Pick<TrainConfig, TrainingDataKey>,
  io?: CommandIO,
): Promise<TrainingData> {
  assertLayoutFits(config);
  const stream = config.stream ?? 'joint';
  const sampling = config.sampling ?? 'resample';
  if (stream === 'joint' && sampling === 'resample') return loadSamples(config, io);
  const loaded = await loadSamples(config, io, sampling === 'resample' ? undefined : SOURCE_FRAMES);
  const options = streamOptionsOf(layoutByName(config.layout ?? 'ntu25'));
  const streamed = (samples: readonly SkeletonSample[]) => (stream === 'joint' ? samples : samples.map((s) => skeletonStream(s, stream, options)));
  const [train, test] = [streamed(loaded.train), streamed(loaded.test)];
  const description = `${loaded.description}; ${describeClipConfig({ stream, sampling })}`;
  if (sampling === 'resample') return new TrainingData(train, test, loaded.numClasses, description, loaded.classNames);
  const source: ClipSource = { sampling, frames: config.frames, train, test };
  const view = (sample: SkeletonSample) => testClips(source, sample, 1)[0]!;
  return new TrainingData(train.map(view), test.map(view), loaded.numClasses, `${description}, T=${config.frames} clips`, loaded.classNames, source);
}

/** The samples as stored: resampled to T, or (`sourceFrames`) kept at their length, padded to `sourceFrames`. */
async function loadSamples(config: Pick<TrainConfig, 'data' | 'split' | 'frames' | 'coords' | 'layout'>, io?: CommandIO, sourceFrames?: number): Promise<TrainingData> {
  const camera = config.coords === 'camera';
  const transform = { ...(camera ? ({ centre: false, align: false } as const) : {}), ...(sourceFrames !== undefined ? { time: 'fit' as const } : {}) };
  const frames = sourceFrames ?? config.frames;
  const coords = camera ? ', camera coordinates' : '';
  const benchmark = config.split as NtuBenchmark;
  if (!BENCHMARKS.includes(benchmark)) throw new UsageError(`unknown split '${config.split}'; one of ${BENCHMARKS.join(', ')}`);
  const layout = config.layout ?? 'ntu25';
  if (config.data.kind === 'synthetic') {
    const { classes, perClass, seed } = config.data;
    if (classes > 30) throw new UsageError(`--classes: the synthetic set has at most 30 classes, got ${classes}`);
    const started = performance.now();
    const set = builtinSyntheticNtu({ classes, perClass, seed, frames, benchmark, transform, ...(layout !== 'ntu25' ? { layout } : {}) });
    const train = await set.train.toArray();
    const test = await set.test.toArray();
    const twoPerson = set.classes.filter((c) => c.persons === 2).length;
    io?.out(`data: generated the synthetic set in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return new TrainingData(
      train,
      test,
      set.classes.length,
      `synthetic NTU-like (seed ${seed}): ${set.classes.length} classes (${twoPerson} two-person) x ${perClass} samples, ${train.length} train / ${test.length} test (${benchmark}), ${sourceFrames !== undefined ? `recorded length (up to ${frames} frames)` : `T=${frames}`}${coords}${layout !== 'ntu25' ? `, ${layout} layout` : ''}`,
      set.classes.map((c) => c.name),
    );
  }
  const folder = await loadSampleFolder(config.data.path, frames, io, transform, layout);
  assertDataFitsLayout(folder.split ? [folder.split.train[0], folder.split.test[0]] : [folder.samples[0]], config.data.path, layout);
  if (folder.split) {
    // The files' own split (ST-GCN, CTR-GCN data); --split names NTU's rule, which they already applied.
    const { train, test, sameSamples } = folder.split;
    if (sameSamples) io?.err(`data: ${config.data.path} is one split; it serves as both train and test (give the folder with train_ and val_ files for a held-out test)`);
    const how = sameSamples ? 'the same samples' : "the files' split";
    return new TrainingData(train, test, folder.numClasses, `${folder.description}: ${train.length} train / ${test.length} test (${how})`, folder.classNames);
  }
  const { train, test } = splitSamples(folder.samples, benchmark);
  return new TrainingData(train, test, folder.numClasses, `${folder.description}: ${train.length} train / ${test.length} test (${benchmark})${coords}`, folder.classNames);
}

/**
 * Refuses `--data` whose samples do not have the layout's V and C (all samples of a source share
 * them, so the first of each split stands for the rest), naming the file and the layout that fits.
 */
function assertDataFitsLayout(samples: readonly (SkeletonSample | undefined)[], path: string, layout: LayoutName): void {
  for (const sample of samples) {
    if (sample === undefined) continue;
    try {
      assertSampleFitsLayout(sample, layoutByName(layout));
    } catch (error) {
      const fits = layoutNames.filter((name) => layouts[name].joints === sample.joints && layouts[name].channels === sample.channels);
      const hint = fits.length > 0 ? `; give --layout ${fits.join(' or ')}` : '';
      throw new UsageError(`--data ${path}: ${(error as Error).message}${hint}`);
    }
  }
}

function splitSamples(samples: readonly SkeletonSample[], benchmark: NtuBenchmark): { train: SkeletonSample[]; test: SkeletonSample[] } {
  const names = samples.map((s) => s.name);
  const none = new Set<string>();
  const trainNames = new Set(selectSplit(names, benchmark, 'train', { missingSkeletons: none }));
  const testNames = new Set(selectSplit(names, benchmark, 'test', { missingSkeletons: none }));
  return { train: samples.filter((s) => trainNames.has(s.name)), test: samples.filter((s) => testNames.has(s.name)) };
}
