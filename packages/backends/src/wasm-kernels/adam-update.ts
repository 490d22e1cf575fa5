import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { AdamUpdate, type AdamUpdateAttrs } from '@skelnorm/nn';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels } from './simd/simd-kernels.js';

const f32 = Math.fround;

/**
 * The Adam step as one pass over the wasm heap instead of about fifteen tfjs ops, each a full pass
 * over the parameter (the seed CNN's fc1 has 1.6 M values): kernels.wat's `adam`, four values at a
 * time, ~2 ms instead of ~10 ms per step. It rounds every operation to float32 in the order of the
 * op chain (`Adam.update` in @skelnorm/trainer), with the chain's float32 scalars, so the results
 * are the same bits. The last values of a size that is not a multiple of 4 take the same formula in
 * JavaScript, rounded with `Math.fround`: a product, sum, quotient or square root of float32 values
 * computed in float64 and rounded once more is the correctly rounded float32 result. Registered only
 * where wasm SIMD runs: the JavaScript loop alone is slower than the op chain (30 against 10 ms).
 */
export const adamUpdateKernel: Omit<KernelConfig, 'backendName'> = {
  kernelName: AdamUpdate,
  kernelFunc: (({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const a = attrs as unknown as AdamUpdateAttrs;
    const { param, grad, m, v } = inputs as Record<'param' | 'grad' | 'm' | 'v', TensorInfo>;
    for (const t of [param, grad, m, v]) {
      if (t.dtype !== 'float32' || t.shape.join() !== param.shape.join()) {
        throw new Error(`${AdamUpdate}: param, grad, m and v must be float32 of one shape, got ${[param, grad, m, v].map((u) => `${u.dtype}[${u.shape.join(',')}]`).join(', ')}`);
      }
    }
    const outputs = [wasm.makeOutput(param.shape, 'float32'), wasm.makeOutput(param.shape, 'float32'), wasm.makeOutput(param.shape, 'float32')];
    // Views after makeOutput: allocating may grow (and detach) the wasm memory.
    const heap = [param, grad, m, v, ...outputs].map((t) => wasm.typedArrayFromHeap(t) as Float32Array) as [
      Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array,
    ];
    const c = {
      b1: f32(a.beta1), oneMinusB1: f32(1 - a.beta1), b2: f32(a.beta2), oneMinusB2: f32(1 - a.beta2),
      stepSize: f32(a.lr / (1 - a.beta1 ** a.step)), correction2: f32(Math.sqrt(1 - a.beta2 ** a.step)), eps: f32(a.eps),
      mode: a.weightDecay === 0 ? 0 : a.decoupled ? 1 : 2,
      decay: a.weightDecay === 0 ? 0 : a.decoupled ? f32(1 - a.lr * a.weightDecay) : f32(a.weightDecay),
    };
    const simd = simdKernels(wasm);
    const n = heap[0].length;
    const vectorized = simd ? n - (n % 4) : 0;
    if (simd && vectorized > 0) {
      simd.adam(...(heap.map((t) => t.byteOffset) as [number, number, number, number, number, number, number]), vectorized,
        c.b1, c.oneMinusB1, c.b2, c.oneMinusB2, c.stepSize, c.correction2, c.eps, c.mode, c.decay);
    }
    const [p, g, m0, v0, pOut, mOut, vOut] = heap;
    for (let i = vectorized; i < n; i++) {
      let x = p[i]!;
      let gi = g[i]!;
      if (c.mode === 1) x = f32(x * c.decay);
      else if (c.mode === 2) gi = f32(gi + f32(x * c.decay));
      const mi = f32(f32(m0[i]! * c.b1) + f32(gi * c.oneMinusB1));
      const vi = f32(f32(v0[i]! * c.b2) + f32(f32(gi * gi) * c.oneMinusB2));
      const denom = f32(f32(f32(Math.sqrt(vi)) / c.correction2) + c.eps);
      pOut[i] = f32(x - f32(f32(mi / denom) * c.stepSize));
      mOut[i] = mi;
      vOut[i] = vi;
    }
    return outputs;
  }) as KernelFunc,
};
