import { createModel, modelInfo, validateOptions, type SkeletonModel } from '@skelnorm/models';
import { UsageError } from '../command.js';
import type { TrainConfig } from './train-config.js';

/**
 * The options `createModel` gets for a run: the user's model options plus what the data and the
 * run decide (classes, frames, seed, a layout other than ntu25), each only when the model's schema has it.
 */
export function modelOptionsFor(config: TrainConfig, numClasses: number): Record<string, unknown> {
  let known: Set<string>;
  try {
    known = new Set(modelInfo(config.model).options.map((o) => o.name));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config.modelOptions)) {
    if (!known.has(key)) {
      throw new UsageError(`model '${config.model}' has no option '${key}' (its options: ${[...known].join(', ')})`);
    }
    options[key] = value;
  }
  if (known.has('numClasses')) options.numClasses = numClasses;
  if (known.has('frames')) options.frames = config.frames;
  if (known.has('seed')) options.seed = config.seed;
  const layout = config.layout ?? 'ntu25';
  if (layout !== 'ntu25') {
    if (!known.has('layout')) throw new UsageError(`model '${config.model}' has no layout option: it takes ntu25 input only, not --layout ${layout}`);
    options.layout = layout;
  }
  return options;
}

/** Builds the run's model; option errors (a bad `--norm`) become usage errors. */
export function buildModel(config: TrainConfig, numClasses: number): { model: SkeletonModel; options: Record<string, unknown> } {
  const options = modelOptionsFor(config, numClasses);
  try {
    return { model: createModel(config.model, options), options };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Checks a run's model name and options against the model's schema without building it (usage errors). */
export function checkModelOptions(model: string, modelOptions: Readonly<Record<string, unknown>>): void {
  let info;
  try {
    info = modelInfo(model);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  try {
    validateOptions(model, info.options, modelOptions);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
