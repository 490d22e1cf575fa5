import type { GpuLike } from '../gpu-adapter.js';
import { linuxLibraryAvailable } from '../node-builtins.js';
import { errorSummary, importOptional, isModuleNotFound } from '../optional-import.js';
import { skip, type BackendLoader } from './backend-loader.js';
import { activateWebgpu } from './webgpu.js';

/** The `webgpu` package (Dawn for Node): a `GPU` factory and the WebGPU globals (GPUBufferUsage, ...). */
interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/**
 * Dawn reads the Vulkan loader and its ICDs when `create()` runs, so environment variables must
 * be set before; a Dawn without an adapter on Linux usually lacks one of these.
 */
const LINUX_HINT =
  'no Vulkan adapter: needs libvulkan.so.1 and a Vulkan driver (for SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, and LD_LIBRARY_PATH=/usr/lib/chromium when the system has no libvulkan1, set before Node starts)';

/**
 * WebGPU in Node through Dawn (`webgpu` npm package): installs the WebGPU globals and
 * `navigator.gpu`, then tfjs's WebGPU backend. `auto` takes it only on a hardware adapter.
 */
export const nodeWebgpuLoader: BackendLoader = {
  variant: 'node-webgpu',
  async load(context) {
    const isLinux = (globalThis as { process?: { platform?: string } }).process?.platform === 'linux';
    // Without a Vulkan loader Dawn finds no adapter anyway, and says so on stderr from native code.
    if (isLinux && !(await linuxLibraryAvailable('libvulkan.so.1'))) return skip(`Dawn: ${LINUX_HINT}`);
    let dawn: DawnModule;
    try {
      dawn = await importOptional<DawnModule>('webgpu');
    } catch (error) {
      return skip(isModuleNotFound(error) ? "the 'webgpu' package (Dawn for Node) is not installed" : `'webgpu' failed to load: ${errorSummary(error)}`);
    }
    const g = globalThis as Record<string, unknown> & { navigator?: { gpu?: unknown } };
    for (const [name, value] of Object.entries(dawn.globals)) if (!(name in g)) g[name] = value;
    const existing = g.navigator?.gpu as GpuLike | undefined;
    const gpu = existing ?? dawn.create([...context.dawnFlags]);
    if (existing === undefined) {
      // Node 20 has no navigator; Node >= 21 has one without gpu.
      if (g.navigator === undefined) Object.defineProperty(g, 'navigator', { value: { gpu }, configurable: true, writable: true });
      else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    }
    const outcome = await activateWebgpu(gpu, context, 'Dawn');
    if (!outcome.ok && isLinux && /no GPU adapter/.test(outcome.reason)) return skip(`Dawn: ${LINUX_HINT}`);
    return outcome;
  },
};
