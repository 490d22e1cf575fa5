import type { BackendVariant } from './backend-variant.js';
import type { BackendLoader } from './loaders/backend-loader.js';
import { browserWebgpuLoader } from './loaders/browser-webgpu.js';
import { cpuLoader } from './loaders/cpu.js';
import { nodeWebgpuLoader } from './loaders/node-webgpu.js';
import { tfjsNodeCpuLoader, tfjsNodeGpuLoader } from './loaders/tfjs-node.js';
import { wasmLoader } from './loaders/wasm.js';
import { webglLoader } from './loaders/webgl.js';
import type { Runtime } from './runtime.js';

/** Every variant's loader, by name. */
export const BACKEND_LOADERS: ReadonlyMap<BackendVariant, BackendLoader> = new Map(
  [tfjsNodeGpuLoader, nodeWebgpuLoader, tfjsNodeCpuLoader, browserWebgpuLoader, webglLoader, wasmLoader, cpuLoader].map(
    (loader) => [loader.variant, loader],
  ),
);

/**
 * What `auto` tries, in order, per runtime; also which variants a runtime can run at all.
 * Node: CUDA libtensorflow, WebGPU through Dawn on a hardware adapter, CPU libtensorflow, wasm,
 * plain JS. Browser: WebGPU on a hardware adapter, WebGL, wasm, plain JS.
 */
export const AUTO_BACKEND_ORDER: Readonly<Record<Runtime, readonly BackendVariant[]>> = Object.freeze({
  node: Object.freeze(['node-gpu', 'node-webgpu', 'node', 'wasm', 'cpu'] as const),
  browser: Object.freeze(['webgpu', 'webgl', 'wasm', 'cpu'] as const),
});
