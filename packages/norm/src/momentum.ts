/**
 * Momentum conventions. PyTorch (this library's BatchNorm `momentum`): the weight of the NEW batch
 * statistic, `running = (1 - m) * running + m * batch`, default 0.1. Keras / TensorFlow.js
 * (`tf.layers.batchNormalization`): the weight of the OLD value, `running = k * running + (1 - k) * batch`,
 * default 0.99. So m = 1 - k: Keras's 0.99 is PyTorch's 0.01, the slow setting that makes running
 * statistics lag behind the weights.
 */

/** PyTorch momentum from a Keras/TensorFlow.js one: 1 - k, e.g. 0.99 -> 0.01. */
export function torchMomentumFromKeras(kerasMomentum: number): number {
  return complement(kerasMomentum, 'torchMomentumFromKeras', 'Keras momentum (weight of the old value)');
}

/** Keras/TensorFlow.js momentum from a PyTorch one: 1 - m, e.g. 0.1 -> 0.9. */
export function kerasMomentumFromTorch(torchMomentum: number | null): number {
  if (torchMomentum === null) {
    throw new RangeError('kerasMomentumFromTorch: momentum null (cumulative average) has no Keras equivalent');
  }
  return complement(torchMomentum, 'kerasMomentumFromTorch', 'PyTorch momentum (weight of the new batch)');
}

function complement(value: number, fn: string, what: string): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${fn}: ${what} must be in [0, 1], got ${value}`);
  // 1 - 0.99 is 0.010000000000000009 in binary floating point; round off the representation
  // error so that the result is the decimal a user would write (and compares equal to it).
  return Number((1 - value).toPrecision(12));
}
