import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@skelnorm/backends';
import { createModel } from '@skelnorm/models';
import { createOptimizer, localStepEngine } from '@skelnorm/trainer';
await setupBackend({ prefer: 'cpu' });
await setupBackend({ prefer: 'wasm' });
const twoPersons = process.argv.includes('--two');
async function run(backend: string) {
  await tf.setBackend(backend);
  const model = createModel('seed-cnn', { frames: 8, numClasses: 4, bnMomentum: 0.01, seed: 0 });
  const spec = { name: 'sgd', lr: 0.01, momentum: 0.9 } as const;
  const opt = createOptimizer(model.namedParameters(), spec);
  const engine = await localStepEngine()({ model, optimizer: opt, optimizerSpec: spec, labelSmoothing: 0 });
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const x = tf.tidy(() => {
      const p1 = tf.randomUniform([4, 1, 8, 25, 3], -1, 1, 'float32', 10 + i);
      const p2 = twoPersons ? tf.randomUniform([4, 1, 8, 25, 3], -1, 1, 'float32', 20 + i) : tf.zeros([4, 1, 8, 25, 3]);
      return tf.concat([p1, p2], 1);
    });
    const y = tf.tensor1d([0, 1, 2, 3], 'int32');
    losses.push((await engine.step({ x, y }, 0.01)).loss);
    tf.dispose([x, y]);
  }
  return losses;
}
const cpu = await run('cpu');
const wasm = await run('wasm');
console.log(twoPersons ? 'two persons' : 'second person absent', 'cpu', cpu.map((v) => v.toFixed(6)), 'wasm', wasm.map((v) => v.toFixed(6)), 'rel diff', cpu.map((v, i) => (Math.abs(v - wasm[i]!) / Math.abs(v)).toExponential(1)));
