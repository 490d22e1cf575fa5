import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@skelnorm/backends';
const rnd = (n: number, s: number) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 2 ** 31 - 1; } return a; };
function time(label: string, f: () => tf.Tensor, reps = 3) {
  const r = f(); r.dataSync(); r.dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) { const o = f(); o.dataSync(); o.dispose(); }
  console.log(label, ((performance.now() - t0) / reps).toFixed(1), 'ms');
}
const xs = [128, 64, 25, 32] as [number, number, number, number];
const xv = rnd(128 * 64 * 25 * 32, 3).map((v) => v - 0.3);
const results: Record<string, Float32Array> = {};
for (const b of ['cpu', 'wasm']) {
  await setupBackend({ prefer: b as 'cpu' });
  const x = tf.tensor4d(xv, xs);
  const y = tf.maxPool(x, 2, 2, 'valid');
  const dy = tf.tensor4d(rnd(y.size, 5), y.shape as [number, number, number, number]);
  const [N, H, W, C] = xs; const [, oh, ow] = y.shape;
  const optB = () => tf.tidy(() => {
    const x6 = tf.reshape(tf.slice(x, [0, 0, 0, 0], [N, oh * 2, ow * 2, C]), [N, oh, 2, ow, 2, C]);
    const eq = tf.equal(x6, tf.reshape(y, [N, oh, 1, ow, 1, C]));
    const pos = tf.reshape(tf.tensor1d([0, 1, 2, 3]), [1, 1, 2, 1, 2, 1]);
    const first = tf.min(tf.where(eq, tf.broadcastTo(pos, x6.shape), tf.fill(x6.shape, 99)), [2, 4], true);
    const sel = tf.equal(pos, first);
    const g = tf.where(sel, tf.broadcastTo(tf.reshape(dy, [N, oh, 1, ow, 1, C]), x6.shape), tf.zeros(x6.shape));
    return tf.pad(tf.reshape(g, [N, oh * 2, ow * 2, C]), [[0, 0], [0, H - oh * 2], [0, W - ow * 2], [0, 0]]);
  });
  const optC = () => tf.tidy(() => {
    const x6 = tf.reshape(tf.slice(x, [0, 0, 0, 0], [N, oh * 2, ow * 2, C]), [N, oh, 2, ow, 2, C]);
    const win = tf.reshape(tf.transpose(x6, [0, 1, 3, 5, 2, 4]), [N, oh, ow, C, 4]);
    const am = tf.argMax(win, 4);
    const g = tf.mul(tf.oneHot(am, 4, 1, 0, 'float32'), tf.reshape(dy, [N, oh, ow, C, 1]));
    const back = tf.transpose(tf.reshape(g, [N, oh, ow, C, 2, 2]), [0, 1, 4, 2, 5, 3]);
    return tf.pad(tf.reshape(back, [N, oh * 2, ow * 2, C]), [[0, 0], [0, H - oh * 2], [0, W - ow * 2], [0, 0]]);
  });
  const optD = () => tf.tidy(() => {
    // 4 quarter slices, first match in row-major order
    const x6 = tf.reshape(tf.slice(x, [0, 0, 0, 0], [N, oh * 2, ow * 2, C]), [N, oh, 2, ow, 2, C]);
    let taken = tf.zerosLike(y).cast('bool');
    const rows: tf.Tensor[] = [];
    for (let p = 0; p < 2; p++) {
      const cols: tf.Tensor[] = [];
      for (let q = 0; q < 2; q++) {
        const s = tf.reshape(tf.slice(x6, [0, 0, p, 0, q, 0], [N, oh, 1, ow, 1, C]), [N, oh, ow, C]);
        const hit = tf.logicalAnd(tf.equal(s, y), tf.logicalNot(taken));
        taken = tf.logicalOr(taken, hit);
        cols.push(tf.where(hit, dy, tf.zerosLike(dy)));
      }
      rows.push(tf.stack(cols, 3));
    }
    return tf.pad(tf.reshape(tf.stack(rows, 2), [N, oh * 2, ow * 2, C]), [[0, 0], [0, H - oh * 2], [0, W - ow * 2], [0, 0]]);
  });
  const native = () => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
  if (b === 'wasm') { time('native', native); time('B', optB); time('C', optC); time('D', optD); }
  for (const [k, f] of Object.entries({ native, optB, optC, optD })) results[`${b} ${k}`] = (await f().data()) as Float32Array;
}
const ref = results['cpu native']!;
for (const [k, v] of Object.entries(results)) console.log(k, Math.max(...v.map((a, i) => Math.abs(a - ref[i]!)).slice(0, 1e6)));
