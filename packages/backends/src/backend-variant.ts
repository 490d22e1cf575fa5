/**
 * One way of running tfjs: a tfjs backend plus how it is reached.
 * - `node-gpu`: `@tensorflow/tfjs-node-gpu` (libtensorflow with CUDA), backend 'tensorflow';
 * - `node-webgpu`: WebGPU in Node through Dawn (the `webgpu` package), backend 'webgpu';
 * - `node`: `@tensorflow/tfjs-node` (libtensorflow on the CPU), backend 'tensorflow';
 * - `webgpu`: the browser's `navigator.gpu`, backend 'webgpu';
 * - `webgl`: `@tensorflow/tfjs-backend-webgl` (browser), backend 'webgl';
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (SIMD where supported) plus this package's training kernels;
 * - `cpu`: `@tensorflow/tfjs-backend-cpu`, plain JavaScript: slow, the reference.
 */
export type BackendVariant = 'node-gpu' | 'node-webgpu' | 'node' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** A variant to force, or `auto` to take the first that works from {@link AUTO_BACKEND_ORDER}. */
export type BackendPreference = 'auto' | BackendVariant;

/** Binaries of `@tensorflow/tfjs-backend-wasm`: a directory/URL prefix, or one URL per file name. */
export type WasmPaths = string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

/** A variant that was tried and not taken. */
export interface SkippedBackend {
  readonly variant: BackendVariant;
  readonly reason: string;
}

/** What {@link setupBackend} chose. */
export interface BackendChoice {
  /** The tfjs backend now active (`tf.getBackend()`): 'tensorflow', 'webgpu', 'webgl', 'wasm' or 'cpu'. */
  readonly name: string;
  /** How it was reached. */
  readonly variant: BackendVariant;
  /** Why: what was chosen (device, SIMD, threads, kernels) and why the variants before it were skipped. */
  readonly reason: string;
  /** The variants tried before it, in order, with the reason each was skipped. */
  readonly skipped: readonly SkippedBackend[];
}
