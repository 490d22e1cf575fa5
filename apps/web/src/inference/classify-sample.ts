import * as tf from '@tensorflow/tfjs-core';
import { packSkeleton, resampleFrames, type SkeletonFile, type SkeletonSample } from '@skelnorm/data';
import type { SkeletonModel } from '@skelnorm/models';

/** One class of a top-k list. */
export interface ClassScore {
  readonly index: number;
  readonly probability: number;
}

/**
 * What the model is run on: a parsed file (preprocessed as `skelnorm train` does for real data:
 * body selection, centring, view alignment, resampling to T) or an already packed sample.
 */
export type ModelInput = { readonly file: SkeletonFile } | { readonly sample: SkeletonSample };

/** Packs the input to the model's `[M, T, 25, 3]`. */
export function prepareSample(input: ModelInput, frames: number, persons: number): SkeletonSample {
  if ('file' in input) return packSkeleton(input.file, { frames, persons, label: 0 });
  const sample = input.sample;
  if (sample.persons !== persons) {
    throw new Error(`${sample.name} has ${sample.persons} person slots, the model takes ${persons}`);
  }
  return sample.frames === frames ? sample : resampleFrames(sample, frames);
}

/**
 * Runs the model (eval mode) on one sample and returns the `k` most probable classes, softmax over
 * the logits. Reads the result with `await data()` (synchronous reads fail on WebGPU).
 */
export async function classifySample(model: SkeletonModel, sample: SkeletonSample, k = 5): Promise<ClassScore[]> {
  model.eval();
  const probabilities = tf.tidy(() => {
    const x = tf.tensor5d(sample.data, [1, sample.persons, sample.frames, sample.joints, sample.channels]);
    const mask = tf.tensor2d(Float32Array.from(sample.personMask), [1, sample.persons]);
    return tf.softmax(model.call(x, { mask }));
  });
  try {
    const values = await probabilities.data();
    return [...values]
      .map((probability, index) => ({ index, probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, k);
  } finally {
    probabilities.dispose();
  }
}
