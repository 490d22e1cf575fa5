// The seed CNN's training step in raw tfjs ops and variables (no layers API): the workload that
// decides which backend is usable for training.
import * as tf from '@tensorflow/tfjs-core';
import { SEED_CNN, SEED_CNN_PARAMETERS, type SeedCnnData } from './seed-cnn-data.js';

/** One Adam step per call on a fixed batch; call {@link SeedCnnTfjs.dispose} at the end. */
export class SeedCnnTfjs {
  private readonly variables: Map<string, tf.Variable>;
  private readonly x: tf.Tensor4D;
  private readonly labels: tf.Tensor2D;
  private readonly optimizer = tf.train.adam(SEED_CNN.learningRate);

  constructor(data: SeedCnnData) {
    const { batch, persons, frames, joints, channels, classes } = SEED_CNN;
    this.variables = new Map(
      SEED_CNN_PARAMETERS.map((p) => [p.name, tf.variable(tf.tensor(data.parameters.get(p.name)!, [...p.shape]), true, p.name)]),
    );
    // Persons folded into the batch: [M*N, T, V, C], person-major, one pass through the shared stack.
    this.x = tf.tensor4d(data.x, [persons * batch, frames, joints, channels]);
    this.labels = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(data.labels, 'int32'), classes), 'float32') as tf.Tensor2D);
  }

  private v(name: string): tf.Variable {
    const variable = this.variables.get(name);
    if (variable === undefined) throw new Error(`no parameter ${name}`);
    return variable;
  }

  /** Softmax cross-entropy of the batch (mean over samples). */
  loss(): tf.Scalar {
    const { batch } = SEED_CNN;
    let h: tf.Tensor4D = this.x;
    for (const layer of ['conv1', 'conv2', 'conv3']) {
      const conv = tf.add(tf.conv2d(h, this.v(`${layer}.weight`) as tf.Tensor4D, 1, 'same'), this.v(`${layer}.bias`));
      h = tf.maxPool(tf.relu(conv) as tf.Tensor4D, 2, 2, 'valid');
    }
    const [first, second] = tf.split(h, 2, 0) as [tf.Tensor4D, tf.Tensor4D];
    const merged = tf.reshape(tf.maximum(first, second), [batch, -1]);
    const hidden = tf.relu(tf.add(tf.matMul(merged, this.v('fc1.weight')), this.v('fc1.bias')));
    const logits = tf.add(tf.matMul(hidden, this.v('fc2.weight')), this.v('fc2.bias'));
    return tf.losses.softmaxCrossEntropy(this.labels, logits);
  }

  /** One Adam step; returns the loss before the update (to be read and disposed by the caller). */
  step(): tf.Scalar {
    const loss = this.optimizer.minimize(() => this.loss(), true, [...this.variables.values()]);
    if (loss === null) throw new Error('minimize returned no loss');
    return loss;
  }

  dispose(): void {
    tf.dispose([...this.variables.values(), this.x, this.labels]);
    this.optimizer.dispose();
  }
}
