import * as tf from '@tensorflow/tfjs-core';

export interface CrossEntropyOptions {
  /** PyTorch's `label_smoothing`: the target is (1 - s) one-hot + s / K. Default 0. */
  labelSmoothing?: number;
}

/**
 * Mean cross-entropy of logits against integer class labels, as `F.cross_entropy`
 * (log-softmax then negative log-likelihood). Shapes: logits [N, K], labels int32 [N] -> scalar.
 */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor, options: CrossEntropyOptions = {}): tf.Scalar {
  const s = options.labelSmoothing ?? 0;
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(`crossEntropy: expected logits [N, K] and labels [N], got [${logits.shape}] and [${labels.shape}]`);
  }
  if (!(s >= 0 && s < 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1), got ${s}`);
  return tf.tidy(() => {
    const k = logits.shape[1] ?? 1;
    const logProbs = tf.logSoftmax(logits);
    let target = tf.oneHot(tf.cast(labels, 'int32'), k) as tf.Tensor;
    if (s > 0) target = tf.add(tf.mul(target, 1 - s), s / k);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logProbs), 1))) as tf.Scalar;
  });
}
