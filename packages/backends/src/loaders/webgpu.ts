import { summarizeGpuAdapter, type GpuLike } from '../gpu-adapter.js';
import { errorSummary } from '../optional-import.js';
import { limitWebgpuAddNInputs } from '../webgpu-kernels/add-n-input-limit.js';
import { activate, isBackendRegistered } from './activate.js';
import { skip, type LoadOutcome, type LoaderContext } from './backend-loader.js';

/**
 * Activates tfjs's WebGPU backend on `gpu` (the browser's `navigator.gpu` or Dawn's), unless its
 * adapter is software-emulated and the variant was not forced. `@tensorflow/tfjs-backend-webgpu`
 * registers its backend at import time only if `navigator.gpu` exists then, so it is imported
 * here, after the caller has made sure it does.
 */
export async function activateWebgpu(gpu: GpuLike, context: LoaderContext, via: string): Promise<LoadOutcome> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) return skip(`${via} offers no GPU adapter`);
  const { description, software } = await summarizeGpuAdapter(adapter);
  if (software && !context.forced) {
    return skip(`the adapter is ${description}, a software renderer (slower than wasm; force with prefer: '${context.runtime === 'node' ? 'node-webgpu' : 'webgpu'}')`);
  }
  if (!isBackendRegistered('webgpu')) {
    try {
      await import('@tensorflow/tfjs-backend-webgpu');
    } catch (error) {
      return skip(`@tensorflow/tfjs-backend-webgpu is not available: ${errorSummary(error)}`);
    }
    if (!isBackendRegistered('webgpu')) {
      return skip('@tensorflow/tfjs-backend-webgpu was imported before navigator.gpu existed and registered no backend; let setupBackend import it');
    }
  }
  const outcome = await activate('webgpu', `WebGPU via ${via} on ${description}${software ? ' (software)' : ''}`);
  if (outcome.ok) limitWebgpuAddNInputs();
  return outcome;
}
