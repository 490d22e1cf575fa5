import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * The name of a fused Adam/AdamW parameter update: inputs `param`, `grad`, `m`, `v` (float32, one
 * shape), attributes {@link AdamUpdateAttrs}; outputs `[param, m, v]` after the step. Registered
 * for wasm by `registerWasmTrainingKernels`; an optimizer looks it up with `getKernel` and runs the
 * same formula as tfjs ops where the backend has none.
 */
export const AdamUpdate = 'SkelnormAdamUpdate';

export interface AdamUpdateAttrs {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** AdamW: decay the parameter by `1 - lr * weightDecay`; Adam: add `weightDecay * p` to the gradient. */
  readonly decoupled: boolean;
  /** The step being taken, from 1 (bias corrections). */
  readonly step: number;
}

const f32 = Math.fround;

/**
 * The Adam step as one pass over the wasm heap instead of about fifteen tfjs ops, each a full pass
 * over the parameter (the seed CNN's fc1 has 1.6 M): ~3 ms instead of ~11 ms per step. Every
 * operation is rounded to float32 in the order the op chain (`Adam.update` in @skelnorm/trainer)
 * computes, with its scalars as float32, so the results are the same bits: a product, sum,
 * quotient or square root of float32 values is exact in float64 or correctly rounded twice,
 * which equals rounding once.
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
    const [p, g, m0, v0] = [param, grad, m, v].map((t) => wasm.typedArrayFromHeap(t) as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const [pOut, mOut, vOut] = outputs.map((t) => wasm.typedArrayFromHeap(t) as Float32Array) as [Float32Array, Float32Array, Float32Array];
    const b1 = f32(a.beta1);
    const oneMinusB1 = f32(1 - a.beta1);
    const b2 = f32(a.beta2);
    const oneMinusB2 = f32(1 - a.beta2);
    const stepSize = f32(a.lr / (1 - a.beta1 ** a.step));
    const correction2 = f32(Math.sqrt(1 - a.beta2 ** a.step));
    const eps = f32(a.eps);
    const decay = a.weightDecay === 0 ? 0 : a.decoupled ? f32(1 - a.lr * a.weightDecay) : f32(a.weightDecay);
    const mode = a.weightDecay === 0 ? 0 : a.decoupled ? 1 : 2;
    for (let i = 0; i < p.length; i++) {
      let x = p[i]!;
      let gi = g[i]!;
      if (mode === 1) x = f32(x * decay);
      else if (mode === 2) gi = f32(gi + f32(x * decay));
      const mi = f32(f32(m0[i]! * b1) + f32(gi * oneMinusB1));
      const vi = f32(f32(v0[i]! * b2) + f32(f32(gi * gi) * oneMinusB2));
      const denom = f32(f32(f32(Math.sqrt(vi)) / correction2) + eps);
      pOut[i] = f32(x - f32(f32(mi / denom) * stepSize));
      mOut[i] = mi;
      vOut[i] = vi;
    }
    return outputs;
  }) as KernelFunc,
};
