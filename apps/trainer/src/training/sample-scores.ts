import * as tf from '@tensorflow/tfjs-core';
import { Dataset, collateSkeletons, type SkeletonSample } from '@skelnorm/data';
import type { SkeletonModel } from '@skelnorm/models';
import { averageClipLogits } from '@skelnorm/trainer';

/** One sample's eval-mode logits, by name: what a score file holds (fusion joins files by name, never by position). */
export interface SampleScore {
  readonly name: string;
  readonly label: number;
  readonly logits: number[];
}

/**
 * Every sample's logits in eval mode, in the samples' stored order. The model's mode is restored.
 * Running statistics make the batch composition irrelevant, so stored order is as good as any.
 * With `clipsOf` (multi-clip testing) a sample's logits are the mean of its clips' logits, as in
 * `evaluate`; every sample must give the same number of clips.
 */
export async function sampleScores(
  model: SkeletonModel,
  samples: readonly SkeletonSample[],
  batchSize: number,
  clipsOf: (sample: SkeletonSample) => readonly SkeletonSample[] = (sample) => [sample],
): Promise<SampleScore[]> {
  const wasTraining = model.training;
  model.eval();
  const out: SampleScore[] = [];
  try {
    const batches = Dataset.fromArray(samples)
      .chunk(batchSize)
      .map((group) => {
        const clips = group.map(clipsOf);
        const count = clips[0]!.length;
        const odd = clips.findIndex((c) => c.length !== count);
        if (odd >= 0) throw new RangeError(`sampleScores: sample ${group[odd]!.name} gave ${clips[odd]!.length} clips, ${group[0]!.name} ${count}`);
        return { batch: collateSkeletons(clips.flat()), count };
      })
      .epoch(0);
    for await (const { batch, count } of batches) {
      try {
        const logits = tf.tidy(() => averageClipLogits(model.call(batch.x, { mask: batch.mask }), count));
        const [rows, width] = logits.shape as [number, number];
        const values = await logits.data();
        logits.dispose();
        for (let i = 0; i < rows; i++) {
          const sample = samples[out.length]!;
          out.push({ name: sample.name, label: sample.label, logits: Array.from(values.subarray(i * width, (i + 1) * width)) });
        }
      } finally {
        batch.dispose();
      }
    }
  } finally {
    model.train(wasTraining);
  }
  return out;
}
