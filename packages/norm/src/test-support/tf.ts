// Test setup shared by this package's tests: cpu (default) or wasm, with every gradient registered.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
export { toleranceRatio } from '@skelnorm/test-support';

export type TestBackend = 'cpu' | 'wasm';

let wasmRegistered = false;

export async function useBackend(name: TestBackend = 'cpu'): Promise<void> {
  if (name === 'wasm' && !wasmRegistered) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    // The .wasm binaries sit next to the package's main entry, in dist/.
    wasm.setWasmPaths(`${dirname(entry)}/`);
    wasmRegistered = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`could not initialise the ${name} backend`);
  await tf.ready();
}

export const useCpu = (): Promise<void> => useBackend('cpu');


/** Reads a tensor as a plain array (await: works on every backend). */
export async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}
