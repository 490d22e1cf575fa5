import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradient clipping by global norm, as `torch.nn.utils.clip_grad_norm_` (L2):
 * total = sqrt(sum_i ||g_i||^2); each g_i is scaled by min(1, maxNorm / (total + 1e-6)).
 *
 * Returns new gradient tensors (the caller owns them) and the total norm before clipping. With
 * `maxNorm` undefined nothing is scaled, only the norm is computed (the NaN guard uses it).
 */
export function clipGradNorm(
  grads: Readonly<Record<string, tf.Tensor>>,
  maxNorm: number | undefined,
): { grads: Record<string, tf.Tensor>; totalNorm: tf.Scalar } {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const totalNorm = globalGradNorm(grads);
    const out: Record<string, tf.Tensor> = {};
    if (maxNorm === undefined) {
      for (const n of names) out[n] = tf.clone(grads[n] as tf.Tensor);
    } else {
      const coef = tf.minimum(tf.div(maxNorm, tf.add(totalNorm, 1e-6)), 1);
      for (const n of names) out[n] = tf.mul(grads[n] as tf.Tensor, coef);
    }
    return { grads: out, totalNorm };
  });
}

/** sqrt(sum_i ||g_i||^2) over every gradient, as a scalar tensor the caller owns. */
export function globalGradNorm(grads: Readonly<Record<string, tf.Tensor>>): tf.Scalar {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(squares.length > 0 ? tf.addN(squares) : tf.scalar(0)) as tf.Scalar;
  });
}
