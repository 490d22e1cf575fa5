// Vite copies each binary into the build and hands back its URL (relative to the page with base
// './'), so the wasm backend finds them wherever dist/ is served from.
import { env } from '@tensorflow/tfjs-core';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { WasmPaths } from '@skelnorm/backends';

/** The `wasmPaths` argument of `setupBackend` for this build (tfjs wants all three named). */
export const wasmBinaryUrls: WasmPaths = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};

/**
 * Keeps tfjs on the single-threaded SIMD binary. tfjs starts its pthread workers from a blob that
 * holds the source text of the bundled Emscripten factory; once the bundle is minified that text
 * refers to names outside itself (`_scriptDir`, mangled locals) and every worker dies with a
 * ReferenceError. Unminified it loads, but Chromium still runs 1 thread (TFJS-NOTES), so threads
 * buy nothing. The flag exists once the wasm backend module has been imported.
 */
export async function disableWasmThreads(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}
