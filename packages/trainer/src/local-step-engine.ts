import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '@skelnorm/nn';
import { clipGradNorm, globalGradNorm } from './optim/clip-grad-norm.js';
import type { StepEngine, StepEngineFactory, StepEngineSetup, StepOutcome } from './step-engine.js';
import type { Batch } from './batch.js';

/**
 * Steps in this thread on the current backend: `tf.variableGrads` of the cross-entropy, the
 * global gradient norm (for the NaN/Inf guard and clipping), then the optimizer update, all
 * under `tf.tidy`. One read back per step (loss, correct count, norm).
 */
export function localStepEngine(): StepEngineFactory {
  return async (setup) => new LocalStepEngine(setup);
}

class LocalStepEngine implements StepEngine {
  readonly description = 'local';

  constructor(private readonly setup: StepEngineSetup) {}

  async step(batch: Batch, lr: number): Promise<StepOutcome> {
    const { model, optimizer, clipGradNorm: maxNorm } = this.setup;
    model.train();
    const { loss, correct, grads } = computeGradients(this.setup, batch);
    const norm = globalGradNorm(grads);
    try {
      const [lossV, correctV, normV] = await Promise.all([loss.data(), correct.data(), norm.data()]);
      const outcome = { loss: lossV[0] as number, correct: correctV[0] as number, count: batch.y.shape[0] ?? 0, gradNorm: normV[0] as number };
      if (!Number.isFinite(outcome.loss) || !Number.isFinite(outcome.gradNorm)) {
        const nonFiniteParameter = Number.isFinite(outcome.loss) ? await firstNonFinite(grads) : undefined;
        return { ...outcome, finite: false, ...(nonFiniteParameter === undefined ? {} : { nonFiniteParameter }) };
      }
      optimizer.lr = lr;
      if (maxNorm === undefined) {
        optimizer.step(grads);
      } else {
        const clipped = clipGradNorm(grads, maxNorm);
        try {
          optimizer.step(clipped.grads);
        } finally {
          tf.dispose([...Object.values(clipped.grads), clipped.totalNorm]);
        }
      }
      return { ...outcome, finite: true };
    } finally {
      tf.dispose([loss, correct, norm, ...Object.values(grads)]);
    }
  }

  async pull(): Promise<void> {}
  async push(): Promise<void> {}
  async dispose(): Promise<void> {}
}

/**
 * Loss (batch mean), correct count and gradients by parameter name for one batch, in the
 * model's current mode. Shared by the local engine and worker replicas; the caller disposes all.
 */
export function computeGradients(
  setup: Pick<StepEngineSetup, 'model' | 'labelSmoothing'>,
  batch: Batch,
): { loss: tf.Scalar; correct: tf.Scalar; grads: Record<string, tf.Tensor> } {
  const { model, labelSmoothing } = setup;
  const named = model.namedParameters();
  let correct: tf.Scalar | undefined;
  const { value, grads: byVariable } = tf.variableGrads(() => {
    const logits = model.call(batch.x, batch.mask ? { mask: batch.mask } : {});
    const labels = tf.cast(batch.y, 'int32');
    correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar);
    return crossEntropy(logits, labels, { labelSmoothing });
  }, named.map(([, v]) => v));
  const grads: Record<string, tf.Tensor> = {};
  for (const [name, v] of named) {
    const g = byVariable[v.name];
    grads[name] = g ?? tf.zerosLike(v);
  }
  return { loss: value, correct: correct as tf.Scalar, grads };
}

/** Name of the first gradient (in parameter order) that holds NaN/Inf. */
export async function firstNonFinite(grads: Readonly<Record<string, tf.Tensor>>): Promise<string | undefined> {
  for (const [name, g] of Object.entries(grads)) {
    const ok = tf.tidy(() => tf.all(tf.isFinite(g)));
    const finite = (await ok.data())[0];
    ok.dispose();
    if (!finite) return name;
  }
  return undefined;
}
