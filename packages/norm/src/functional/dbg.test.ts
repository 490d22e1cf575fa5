import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels, WASM_TRAINING_KERNEL_NAMES } from '@skelnorm/backends';
import { it } from 'vitest';
import { batchNormTrain } from '../index.js';
import { useBackend } from '../test-support/tf.js';
it('dbg', async () => {
  await useBackend('wasm');
  registerWasmTrainingKernels();
  const shape = [8, 4, 12, 64];
  const xv = (() => { const b = readFileSync('/tmp/bn2x.bin'); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)); })();
  const dyv = (() => { const b = readFileSync('/tmp/bn2dy.bin'); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)); })();
  const wv = (() => { const b = readFileSync('/tmp/bn2w.bin'); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)); })();
  const counts = [1, 5, 1, 1, 1, 1, 1, 1];
  const go = () => {
    const x = tf.tensor(xv, shape), dy = tf.tensor(dyv, shape), w = tf.tensor(wv), b = tf.zeros([64]);
    const m = { counts: tf.tensor1d(counts), total: 12 };
    const g = tf.grads((xx: tf.Tensor) => tf.sum(tf.mul(batchNormTrain(xx, 1e-5, w, b, m).y, dy)) as tf.Scalar)([x]);
    return g[0]!.dataSync();
  };
  const f = go();
  unregisterWasmTrainingKernels();
  registerWasmTrainingKernels(WASM_TRAINING_KERNEL_NAMES.filter((n) => !n.startsWith('SkelnormBatchNorm')));
  const c = go();
  registerWasmTrainingKernels();
  const C = 64, rows = 8 * 48;
  const ref = new Float64Array(xv.length);
  for (let ch = 0; ch < C; ch++) {
    let s = 0, nn = 0; for (let r = 0; r < rows; r++) { const cnt = counts[Math.floor(r / 48)]!; s += cnt * xv[r * C + ch]!; nn += cnt; }
    const mean = s / nn; let v = 0; for (let r = 0; r < rows; r++) { const cnt = counts[Math.floor(r / 48)]!; v += cnt * (xv[r * C + ch]! - mean) ** 2; } v /= nn;
    const inv = 1 / Math.sqrt(v + 1e-5);
    let sd = 0, dp = 0; for (let r = 0; r < rows; r++) { sd += dyv[r * C + ch]!; dp += (xv[r * C + ch]! - mean) * dyv[r * C + ch]!; }
    for (let r = 0; r < rows; r++) { const cnt = counts[Math.floor(r / 48)]!; ref[r * C + ch] = (dyv[r * C + ch]! - cnt * (sd / nn + (xv[r * C + ch]! - mean) * dp * inv * inv / nn)) * wv[ch]! * inv; }
    if (ch < 3) console.log(`ch ${ch} mean ${mean} var ${v} inv ${inv}`);
  }
  let mf = 0, mc = 0, sc = 0; let at = 0;
  for (let i = 0; i < ref.length; i++) { const ef = Math.abs(f[i]! - ref[i]!), ec = Math.abs(c[i]! - ref[i]!); if (ef > mf) { mf = ef; at = i; } mc = Math.max(mc, ec); sc = Math.max(sc, Math.abs(ref[i]!)); }
  console.log(`fused err ${mf} at ${at} (row ${Math.floor(at / 64)} ch ${at % 64}) chain err ${mc} scale ${sc}`);
});
