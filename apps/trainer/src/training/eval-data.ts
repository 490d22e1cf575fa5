import type { LayoutName } from '@skelnorm/data';
import type { CommandIO } from '../command.js';
import { UsageError } from '../command.js';
import { evalClipConfig, type ClipFlags } from './clip-config.js';
import { assertDataFitsModel } from './data-fits-model.js';
import { loadTrainingData } from './load-training-data.js';
import type { LoadedModel } from './model-file.js';
import type { Coordinates, TrainConfig } from './train-config.js';
import type { TrainingData } from './training-data.js';

export interface DataFlags {
  readonly data?: string | undefined;
  readonly split?: string | undefined;
  readonly coords?: Coordinates | undefined;
}

/**
 * The data a loaded model is evaluated on, as `eval` (and `ensemble` for a run folder) does it:
 * the run's data unless the flags name other, with the run's stream and sampling (augmentation is
 * training's only), checked against the model's outputs.
 */
export async function loadEvalData(
  loaded: LoadedModel,
  flags: DataFlags & ClipFlags,
  io: CommandIO,
): Promise<{ readonly config: TrainConfig; readonly data: TrainingData; readonly clips: number }> {
  const { stream: _s, sampling: _p, testClips: _c, augment: _a, ...dataConfig } = withDataFlags(loaded.config, flags, loaded.model.config);
  const config: TrainConfig = { ...dataConfig, ...evalClipConfig(loaded.config, flags, loaded.path) };
  const data = await loadTrainingData(config, io);
  assertDataFitsModel(data, loaded.model, loaded.path);
  return { config, data, clips: config.testClips ?? 1 };
}

/** The run's data, or `--data`/`--split`/`--coords` instead; a file without a recorded run needs `--data`. */
export function withDataFlags(
  config: TrainConfig | undefined,
  { data, split, coords }: DataFlags,
  modelConfig: Readonly<Record<string, unknown>>,
): TrainConfig {
  if (!config && data === undefined) {
    throw new UsageError('this checkpoint records no data; pass --data DIR');
  }
  // A plain weights file: the data must fit the model's input (its frames).
  const frames = typeof modelConfig.frames === 'number' ? modelConfig.frames : 64;
  // ...and its layout (coco17 reads 17 keypoints).
  const layout = typeof modelConfig.layout === 'string' && modelConfig.layout !== 'ntu25' ? { layout: modelConfig.layout as LayoutName } : {};
  const base = config ?? ({ frames, batchSize: 32, evalBatchSize: 64, split: 'ntu60-xsub', ...layout } as TrainConfig);
  return {
    ...base,
    ...(data !== undefined ? { data: { kind: 'dir' as const, path: data } } : {}),
    ...(split !== undefined ? { split } : {}),
    ...(coords !== undefined ? { coords } : {}),
  };
}
