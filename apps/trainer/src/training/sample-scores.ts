import * as tf from '@tensorflow/tfjs-core';
import { Dataset, type SkeletonSample } from '@skelnorm/data';
import type { SkeletonModel } from '@skelnorm/models';
import type { Batch } from '@skelnorm/trainer';

/** One sample's eval-mode logits, by name: what a score file holds (fusion joins files by name, never by position). */
export interface SampleScore {
  readonly name: string;
  readonly label: number;
  readonly logits: number[];
}

/**
 * Every sample's logits in eval mode, in the samples' stored order. The model's mode is restored.
 * Running statistics make the batch composition irrelevant, so stored order is as good as any.
 */
export async function sampleScores(model: SkeletonModel, samples: readonly SkeletonSample[], batchSize: number): Promise<SampleScore[]> {
  const wasTraining = model.training;
  model.eval();
  const out: SampleScore[] = [];
  try {
    const batches = Dataset.fromArray(samples).batch(batchSize).epoch(0) as AsyncIterable<Batch>;
    for await (const batch of batches) {
      try {
        const logits = tf.tidy(() => model.call(batch.x, batch.mask ? { mask: batch.mask } : {}));
        const [rows, width] = logits.shape as [number, number];
        const values = await logits.data();
        logits.dispose();
        for (let i = 0; i < rows; i++) {
          const sample = samples[out.length]!;
          out.push({ name: sample.name, label: sample.label, logits: Array.from(values.subarray(i * width, (i + 1) * width)) });
        }
      } finally {
        tf.dispose([batch.x, batch.y, ...(batch.mask ? [batch.mask] : [])]);
      }
    }
  } finally {
    model.train(wasTraining);
  }
  return out;
}
