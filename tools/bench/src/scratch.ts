import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@skelnorm/backends';
await setupBackend({ prefer: 'cpu' });
await setupBackend({ prefer: 'wasm' });
const rnd = (n: number, s: number) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 2 ** 31 - 1; } return a; };
function time(label: string, f: () => tf.Tensor, reps = 3) {
  const r = f(); r.dataSync(); r.dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) { const o = f(); o.dataSync(); o.dispose(); }
  console.log(label, ((performance.now() - t0) / reps).toFixed(1), 'ms');
}
// MaxPoolGrad
const xs = [128, 64, 25, 32] as [number, number, number, number];
const xv = rnd(128 * 64 * 25 * 32, 3).map((v) => Math.max(0, v));
const x = tf.tensor4d(xv, xs);
const y = tf.maxPool(x, 2, 2, 'valid');
const dy = tf.tensor4d(rnd(y.size, 5), y.shape as [number, number, number, number]);
const native = () => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
const viaArgmax = () => tf.tidy(() => {
  const { indexes } = tf.maxPoolWithArgmax(x, 2, 2, 'valid', true);
  return tf.reshape(tf.scatterND(tf.reshape(indexes, [-1, 1]), tf.reshape(dy, [-1]), [x.size]), xs);
});
time('MaxPoolGrad native', native);
time('MaxPoolGrad argmax+scatter', viaArgmax);
const a = native(), b = viaArgmax();
console.log('max diff', tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
// Filter gradient: conv vs 9 GEMMs
const x2 = tf.tensor4d(rnd(128 * 32 * 12 * 32, 7), [128, 32, 12, 32]);
const dy2 = tf.tensor4d(rnd(128 * 32 * 12 * 64, 9), [128, 32, 12, 64]);
const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] } as never;
const viaConv = () => tf.engine().runKernel('Conv2DBackpropFilter', { x: x2, dy: dy2 }, attrs) as tf.Tensor;
const viaGemm = () => tf.tidy(() => {
  const [n, h, w, c] = x2.shape; const co = dy2.shape[3];
  const xt = tf.transpose(tf.pad(x2, [[0, 0], [1, 1], [1, 1], [0, 0]]), [3, 0, 1, 2]); // [c, n, h+2, w+2]
  const d = tf.reshape(dy2, [n * h * w, co]);
  const parts: tf.Tensor[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    parts.push(tf.matMul(tf.reshape(tf.slice(xt, [0, 0, i, j], [c, n, h, w]), [c, n * h * w]), d));
  }
  return tf.reshape(tf.stack(parts), [3, 3, c, co]);
});
const viaIm2col = () => tf.tidy(() => {
  const [n, h, w, c] = x2.shape; const co = dy2.shape[3];
  const xp = tf.pad(x2, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  const parts: tf.Tensor[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) parts.push(tf.slice(xp, [0, i, j, 0], [n, h, w, c]));
  const cols = tf.reshape(tf.stack(parts, 3), [n * h * w, 9 * c]); // [NHW, 9c]
  return tf.reshape(tf.matMul(cols, tf.reshape(dy2, [n * h * w, co]), true, false), [3, 3, c, co]);
});
time('filter grad conv', viaConv);
time('filter grad 9 gemm', viaGemm);
time('filter grad im2col', viaIm2col);
console.log('diff', tf.max(tf.abs(tf.sub(viaConv(), viaGemm()))).dataSync()[0], tf.max(tf.abs(tf.sub(viaConv(), viaIm2col()))).dataSync()[0]);
// conv1 filter grad
const x1 = tf.tensor4d(rnd(128 * 64 * 25 * 3, 11), [128, 64, 25, 3]);
const dy1 = tf.tensor4d(rnd(128 * 64 * 25 * 32, 13), [128, 64, 25, 32]);
time('conv1 filter grad conv', () => tf.engine().runKernel('Conv2DBackpropFilter', { x: x1, dy: dy1 }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 32] } as never) as tf.Tensor);
// Sum over leading axes
const s = tf.tensor4d(rnd(128 * 64 * 25 * 32, 15), [128, 64, 25, 32]);
time('sum [0,1,2] native', () => tf.sum(s, [0, 1, 2]));
time('sum via matMul', () => tf.reshape(tf.matMul(tf.ones([1, 204800]), tf.reshape(s, [204800, 32])), [32]));
console.log('sum diff', tf.max(tf.abs(tf.sub(tf.sum(s, [0, 1, 2]), tf.reshape(tf.matMul(tf.ones([1, 204800]), tf.reshape(s, [204800, 32])), [32])))).dataSync()[0]);
