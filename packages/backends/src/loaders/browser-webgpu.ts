import type { GpuLike } from '../gpu-adapter.js';
import { skip, type BackendLoader } from './backend-loader.js';
import { activateWebgpu } from './webgpu.js';

/** The browser's WebGPU (`navigator.gpu`); a software adapter (e.g. headless SwiftShader) only when forced. */
export const browserWebgpuLoader: BackendLoader = {
  variant: 'webgpu',
  async load(context) {
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (gpu === undefined) return skip('navigator.gpu is missing: no WebGPU in this browser (or it is disabled)');
    return activateWebgpu(gpu, context, 'navigator.gpu');
  },
};
