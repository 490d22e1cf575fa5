import type { SkeletonModel } from '@skelnorm/models';
import { UsageError } from '../command.js';
import type { TrainingData } from './training-data.js';

/**
 * Refuses data whose labels the model has no output for: evaluating them would count a label
 * beyond the model's classes as a top-1 miss and a top-5 hit, numbers that mean nothing.
 */
export function assertDataFitsModel(data: TrainingData, model: SkeletonModel, modelPath: string): void {
  const classes = model.config.numClasses;
  if (typeof classes !== 'number') return;
  const sample = [...data.train, ...data.test].reduce((a, b) => (b.label > a.label ? b : a));
  if (sample.label >= classes) {
    throw new UsageError(
      `the data (${data.description}) has labels up to ${sample.label} (sample ${sample.name}), but the model ${modelPath} outputs ${classes} classes [0, ${classes}); ` +
        'evaluate it on data of its own classes',
    );
  }
}
