import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { SIMD_KERNELS_BASE64 } from './kernels.generated.js';

/**
 * The exports of kernels.wat: loops that wasm SIMD runs several times faster than JavaScript can
 * (JavaScript has no SIMD and loses every data-dependent branch). Pointers are byte offsets into
 * the tfjs wasm heap; see kernels.wat for each function's contract.
 */
export interface SimdKernels {
  maxPoolGrad2x2(x: number, dy: number, dx: number, batch: number, inHeight: number, inWidth: number, channels: number, outHeight: number, outWidth: number): void;
  transpose4(x: number, out: number, rows: number, cols: number): void;
  channelSums(
    u: number, uShift: number, v: number, vShift: number, vCentre: number,
    rows: number, channels: number, rowsPerSample: number, counts: number, s1: number, s2: number,
  ): void;
  batchNormOutput(x: number, y: number, rows: number, channels: number, shift: number, centre: number, scale: number, bias: number): void;
  batchNormInputGradient(
    dy: number, x: number, dx: number, rows: number, channels: number, rowsPerSample: number, counts: number,
    shift: number, centre: number, a: number, k: number, scale: number,
  ): void;
  adam(
    p: number, g: number, m: number, v: number, pOut: number, mOut: number, vOut: number, n: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    stepSize: number, correction2: number, eps: number, mode: number, decay: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where this runtime cannot compile it (no wasm SIMD or bulk memory). */
function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Uint8Array.from(atob(SIMD_KERNELS_BASE64), (ch) => ch.charCodeAt(0)));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Whether this runtime can run the kernels at all, before any backend exists. */
export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && compiledModule() !== null;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/**
 * Our SIMD kernels bound to `backend`'s memory, or undefined where they cannot run (a runtime
 * without wasm SIMD, or a tfjs build that hides its memory): callers then take their JavaScript
 * path. Compiled once, synchronously (the module is far below the 4 KB that browsers allow to
 * compile synchronously on the main thread), instantiated once per memory.
 */
export function simdKernels(backend: BackendWasm): SimdKernels | undefined {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  const known = instances.get(memory);
  if (known) return known;
  const module = compiledModule();
  if (module === null) return undefined;
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
  instances.set(memory, kernels);
  return kernels;
}
