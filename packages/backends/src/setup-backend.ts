import { AUTO_BACKEND_ORDER, BACKEND_LOADERS } from './backend-registry.js';
import type { BackendChoice, BackendPreference, BackendVariant, SkippedBackend, WasmPaths } from './backend-variant.js';
import type { LoadOutcome } from './loaders/backend-loader.js';
import { errorSummary } from './optional-import.js';
import { registerAllGradients } from './register-all-gradients.js';
import { detectRuntime } from './runtime.js';

/** Options of {@link setupBackend}. */
export interface SetupBackendOptions {
  /**
   * Which variant to use. `auto` (default) tries {@link AUTO_BACKEND_ORDER} for this runtime and
   * takes the first that loads (WebGPU only on a hardware adapter). A named variant is used even
   * if slow (e.g. WebGPU on SwiftShader) and is an error if it cannot load: no silent fallback.
   */
  readonly prefer?: BackendPreference;
  /**
   * Where the wasm binaries are (argument of tfjs `setWasmPaths`). Default: in Node, the installed
   * `@tensorflow/tfjs-backend-wasm/dist/`; in the browser, tfjs's default (next to the script).
   */
  readonly wasmPaths?: WasmPaths;
  /** Flags for Dawn's `create()` in `node-webgpu`, e.g. `['backend=vulkan']`. Default: none. */
  readonly dawnFlags?: readonly string[];
  /** Receives one line per attempt and the choice. Default: silent. */
  readonly log?: (line: string) => void;
}

/**
 * Chooses, loads and activates a tfjs backend, registers every tfjs-core gradient
 * ({@link registerAllGradients}) and, on wasm, this package's training kernels
 * ({@link registerWasmTrainingKernels}). Optional backends (`@tensorflow/tfjs-node(-gpu)`,
 * `webgpu`, `@tensorflow/tfjs-backend-webgpu`) are loaded only here, by dynamic import, so a
 * missing one is a skip reason, not an import error. Safe to import in the browser.
 *
 * @example
 * const choice = await setupBackend({ prefer: 'auto', log: console.log });
 * // { name: 'wasm', variant: 'wasm', reason: 'wasm (SIMD, 1 thread, ...); skipped: ...', skipped: [...] }
 */
export async function setupBackend(options: SetupBackendOptions = {}): Promise<BackendChoice> {
  const prefer = options.prefer ?? 'auto';
  const log = options.log ?? (() => {});
  const runtime = detectRuntime();
  const runnable = AUTO_BACKEND_ORDER[runtime];
  if (prefer !== 'auto' && !runnable.includes(prefer)) {
    throw new Error(`setupBackend: '${prefer}' cannot run in ${runtime}; choose one of auto, ${runnable.join(', ')}.`);
  }
  registerAllGradients();
  const candidates: readonly BackendVariant[] = prefer === 'auto' ? runnable : [prefer];
  const context = {
    runtime,
    forced: prefer !== 'auto',
    wasmPaths: options.wasmPaths,
    dawnFlags: options.dawnFlags ?? [],
  };
  const skipped: SkippedBackend[] = [];
  for (const variant of candidates) {
    const loader = BACKEND_LOADERS.get(variant);
    let outcome: LoadOutcome;
    try {
      outcome = loader === undefined ? { ok: false, reason: 'no loader' } : await loader.load(context);
    } catch (error) {
      outcome = { ok: false, reason: errorSummary(error) };
    }
    if (outcome.ok) {
      const skips = skipped.map((s) => `${s.variant}: ${s.reason}`).join('; ');
      const reason = `${prefer === 'auto' ? 'auto' : 'forced'}: ${outcome.detail}${skips ? `. Skipped ${skips}` : ''}`;
      log(`backend: ${variant} -> ${outcome.name} (${reason})`);
      return { name: outcome.name, variant, reason, skipped };
    }
    skipped.push({ variant, reason: outcome.reason });
    log(`backend: skipped ${variant}: ${outcome.reason}`);
  }
  const reasons = skipped.map((s) => `${s.variant}: ${s.reason}`).join('; ');
  throw new Error(`setupBackend: no backend could be set up (prefer: '${prefer}'). ${reasons}`);
}
