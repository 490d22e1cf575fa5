import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@skelnorm/backends';
const rnd = (n: number, s: number) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 2 ** 31 - 1; } return a; };
for (const [label, f] of [['negative', (v: number) => v - 1.5], ['relu', (v: number) => Math.max(0, v)], ['random', (v: number) => v]] as const) {
  const xs = [2, 6, 6, 2] as [number, number, number, number];
  const xv = rnd(2 * 6 * 6 * 2, 3).map(f);
  const out: Record<string, Float32Array> = {};
  for (const b of ['cpu', 'wasm'] as const) {
    await setupBackend({ prefer: b });
    const x = tf.tensor4d(xv, xs);
    const y = tf.maxPool(x, 2, 2, 'valid');
    const dy = tf.onesLike(y);
    out[b] = (await (tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor).data()) as Float32Array;
    const { indexes } = tf.maxPoolWithArgmax(x, 2, 2, 'valid', true);
    console.log(label, b, 'argmax', Array.from(await indexes.data()).slice(0, 8).join(','), 'grad sum', out[b]!.reduce((a, c) => a + c, 0), 'nonzero', out[b]!.filter((v) => v !== 0).length);
  }
  console.log(label, 'diff', Math.max(...out.cpu!.map((a, i) => Math.abs(a - out.wasm![i]!))));
}
