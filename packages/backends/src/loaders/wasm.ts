import { env } from '@tensorflow/tfjs-core';
import { nodeWasmBinaryDirectory } from '../node-builtins.js';
import { errorSummary } from '../optional-import.js';
import { registerWasmTrainingKernels } from '../wasm-kernels/register-wasm-training-kernels.js';
import { activate, isBackendInitialized } from './activate.js';
import { skip, type BackendLoader } from './backend-loader.js';

/**
 * `@tensorflow/tfjs-backend-wasm` (XNNPACK; the SIMD binary where WebAssembly SIMD validates)
 * plus {@link registerWasmTrainingKernels}. The binaries' location must be set before the
 * backend initializes: in Node it is resolved from the installed package (bundling moves the
 * script away from it); in the browser the caller passes `wasmPaths` (e.g. Vite `?url` imports),
 * otherwise tfjs looks next to the script.
 */
export const wasmLoader: BackendLoader = {
  variant: 'wasm',
  async load(context) {
    let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
    try {
      wasm = await import('@tensorflow/tfjs-backend-wasm');
    } catch (error) {
      return skip(`@tensorflow/tfjs-backend-wasm is not available: ${errorSummary(error)}`);
    }
    let binaries = 'tfjs default location';
    if (!isBackendInitialized('wasm')) {
      const paths = context.wasmPaths ?? (context.runtime === 'node' ? await nodeWasmBinaryDirectory() : undefined);
      if (paths !== undefined) {
        wasm.setWasmPaths(paths);
        binaries = typeof paths === 'string' ? paths : 'wasmPaths file map';
      }
    } else {
      binaries = 'already initialized';
    }
    const outcome = await activate('wasm', '');
    if (!outcome.ok) return outcome;
    const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    const threads = wasm.getThreadsCount();
    const kernels = registerWasmTrainingKernels();
    return {
      ...outcome,
      detail: `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}, binaries: ${binaries}); training kernels: ${kernels.join(', ')}`,
    };
  },
};
