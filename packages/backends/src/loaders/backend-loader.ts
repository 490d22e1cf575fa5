import type { BackendVariant, WasmPaths } from '../backend-variant.js';
import type { Runtime } from '../runtime.js';

/** What a loader is told about the attempt. */
export interface LoaderContext {
  readonly runtime: Runtime;
  /** True when the caller asked for this variant by name (not `auto`): take it even if it is slow. */
  readonly forced: boolean;
  readonly wasmPaths: WasmPaths | undefined;
  /** Flags for Dawn's `create()` (e.g. `backend=vulkan`), `node-webgpu` only. */
  readonly dawnFlags: readonly string[];
}

/** A loaded and active backend, or why not. */
export type LoadOutcome =
  | { readonly ok: true; readonly name: string; readonly detail: string }
  | { readonly ok: false; readonly reason: string };

/** Loads one {@link BackendVariant} and makes it tfjs's active backend. */
export interface BackendLoader {
  readonly variant: BackendVariant;
  load(context: LoaderContext): Promise<LoadOutcome>;
}

export const skip = (reason: string): LoadOutcome => ({ ok: false, reason });
