import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { inLinuxLibraryDirs } from '../node-builtins.js';

/** Where Debian/Ubuntu's `chromium` package puts SwiftShader's Vulkan driver manifest. */
export const CHROMIUM_SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Environment for a Node process in which Dawn (`node-webgpu`) gets a SwiftShader adapter, or why not. */
export type SwiftShaderEnv =
  | {
      readonly ok: true;
      /** `base` plus VK_ICD_FILENAMES (and LD_LIBRARY_PATH where needed). */
      readonly env: Record<string, string | undefined>;
      /**
       * True when LD_LIBRARY_PATH had to change (no system libvulkan.so.1: Chromium ships its own).
       * The dynamic loader reads it only at process start, so the work must run in a child process
       * started with `env`; VK_ICD_FILENAMES alone can be set in-process before Dawn's `create()`.
       */
      readonly needsNewProcess: boolean;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * What WebGPU-on-CPU needs in Node: Dawn reads `VK_ICD_FILENAMES` when `create()` runs, and loads
 * `libvulkan.so.1` by name. Used by tests and benchmarks that must run WebGPU without a GPU;
 * `setupBackend` itself never sets the environment.
 */
export function dawnSwiftShaderEnv(
  options: { icd?: string; base?: Record<string, string | undefined> } = {},
): SwiftShaderEnv {
  const icd = options.icd ?? CHROMIUM_SWIFTSHADER_ICD;
  const base = options.base ?? process.env;
  if (!existsSync(icd)) {
    return { ok: false, reason: `no SwiftShader Vulkan ICD at ${icd} (Debian/Ubuntu: apt install chromium)` };
  }
  const env = { ...base, VK_ICD_FILENAMES: icd };
  if (inLinuxLibraryDirs('libvulkan.so.1', base['LD_LIBRARY_PATH'], existsSync)) return { ok: true, env, needsNewProcess: false };
  const bundled = dirname(icd);
  if (!existsSync(join(bundled, 'libvulkan.so.1'))) {
    return { ok: false, reason: `no libvulkan.so.1 on the system or next to ${icd} (Debian: apt install libvulkan1)` };
  }
  const ld = [bundled, base['LD_LIBRARY_PATH']].filter(Boolean).join(delimiter);
  return { ok: true, env: { ...env, LD_LIBRARY_PATH: ld }, needsNewProcess: true };
}
