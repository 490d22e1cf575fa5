import * as tf from '@tensorflow/tfjs-core';
import { Dropout, crossEntropy, type Module } from '@skelnorm/nn';
import { disposeBatch, type BatchStream } from './batch.js';
import { averageClipLogits } from './clip-average.js';

export interface EvaluateOptions {
  /** Number of classes K (rows/columns of the confusion matrix). Default: the logits' width. */
  readonly numClasses?: number;
  /** Label smoothing of the reported loss. Default 0 (plain cross-entropy). */
  readonly labelSmoothing?: number;
  /**
   * Normalize with each batch's own statistics instead of the running ones: the model runs in
   * training mode with dropout off, and every buffer (running statistics, counters) is restored
   * afterwards. Separates a statistics problem from overfitting. Default false (eval mode).
   */
  readonly batchStatistics?: boolean;
}

/** What `evaluate` measures. Accuracies are fractions in [0, 1]. */
export interface EvaluateResult {
  readonly count: number;
  /** Mean cross-entropy per sample. */
  readonly loss: number;
  /** Top-1 accuracy. */
  readonly top1: number;
  /** Top-5 accuracy (top-K when K < 5). */
  readonly top5: number;
  readonly numClasses: number;
  /** Accuracy per true class; NaN for a class with no samples. */
  readonly perClassAccuracy: number[];
  /** Samples per true class. */
  readonly perClassCount: number[];
  /** `confusion[trueClass][predictedClass]` = count. */
  readonly confusion: number[][];
}

/**
 * Evaluates `model` on `batches`: loss, top-1, top-5, per-class accuracy and the confusion
 * matrix. Always in eval mode (or batch-statistics mode, see options); the model's previous mode
 * is restored. Disposes each batch. Shapes: x [N, M, T, V, C], y int32 [N] -> logits [N, K]; a batch
 * of `clips` test clips per sample has x [N * clips, M, T, V, C] and scores each sample by the mean
 * of its clips' logits ({@link averageClipLogits}).
 */
export async function evaluate(model: Module, batches: BatchStream, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const wasTraining = model.training;
  const restore = options.batchStatistics ? enterBatchStatisticsMode(model) : (model.eval(), () => {});
  let k = options.numClasses ?? 0;
  let confusion: number[][] = [];
  let count = 0;
  let lossSum = 0;
  let top1 = 0;
  let top5 = 0;
  try {
    for await (const batch of batches) {
      try {
        let width = 0;
        const [loss, pred, inTop5, labels] = tf.tidy(() => {
          const logits = averageClipLogits(model.call(batch.x, batch.mask ? { mask: batch.mask } : {}), batch.clips ?? 1);
          width = logits.shape[1] ?? 1;
          const y = tf.cast(batch.y, 'int32');
          const lossSum = tf.mul(crossEntropy(logits, y, { labelSmoothing: options.labelSmoothing ?? 0 }), y.shape[0] ?? 0);
          return [lossSum, tf.argMax(logits, 1), topKHit(logits, y, Math.min(5, width)), y];
        });
        try {
          const [lossV, predV, hitV, yV] = await Promise.all([loss.data(), pred.data(), inTop5.data(), labels.data()]);
          if (k === 0) k = width;
          if (confusion.length === 0) confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
          for (let i = 0; i < yV.length; i++) {
            const t = yV[i] as number;
            const p = predV[i] as number;
            // A label the model has no output for would score as a miss at top-1 and, since no logit
            // of its (absent) class can be beaten, as a hit at top-5: numbers that mean nothing.
            if (!Number.isInteger(t) || t < 0 || t >= width) {
              throw new RangeError(`evaluate: label ${t} of batch sample ${i} is outside the model's ${width} classes [0, ${width})`);
            }
            if (t >= k) throw new RangeError(`evaluate: label ${t} outside [0, ${k}) (numClasses ${k})`);
            (confusion[t] as number[])[p] = ((confusion[t] as number[])[p] ?? 0) + 1;
            if (t === p) top1++;
            if (hitV[i]) top5++;
          }
          count += yV.length;
          lossSum += lossV[0] as number;
        } finally {
          tf.dispose([loss, pred, inTop5, labels]);
        }
      } finally {
        disposeBatch(batch);
      }
    }
  } finally {
    restore();
    model.train(wasTraining);
  }
  if (confusion.length === 0) confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const perClassCount = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  return {
    count,
    loss: count > 0 ? lossSum / count : NaN,
    top1: count > 0 ? top1 / count : NaN,
    top5: count > 0 ? top5 / count : NaN,
    numClasses: k,
    perClassAccuracy: confusion.map((row, c) => ((perClassCount[c] ?? 0) > 0 ? (row[c] ?? 0) / (perClassCount[c] ?? 1) : NaN)),
    perClassCount,
    confusion,
  };
}

/** 1 where the label's logit is among the k largest (fewer than k logits strictly above it). */
function topKHit(logits: tf.Tensor, labels: tf.Tensor, k: number): tf.Tensor {
  const width = logits.shape[1] ?? 1;
  const own = tf.sum(tf.mul(logits, tf.oneHot(labels, width)), 1, true);
  const above = tf.sum(tf.cast(tf.greater(logits, own), 'int32'), 1);
  return tf.less(above, k);
}

/**
 * Training mode with dropout off, so normalization layers use batch statistics; returns the
 * function that restores every buffer (running statistics, counters) and each dropout's mode.
 */
function enterBatchStatisticsMode(model: Module): () => void {
  const saved = model.namedBuffers().map(([, v]) => [v, tf.clone(v)] as const);
  model.train();
  for (const [, m] of model.namedModules()) if (m instanceof Dropout) m.eval();
  return () => {
    for (const [v, copy] of saved) {
      v.assign(copy);
      copy.dispose();
    }
  };
}
