/**
 * Node built-in modules, reached without an `import` statement that a browser bundler would see.
 * `process.getBuiltinModule` (Node >= 20.16) is synchronous and invisible to bundlers; on older
 * Node a dynamic `import()` with a computed specifier does the same job. Call only when
 * {@link detectRuntime} says 'node'.
 */
export async function nodeBuiltin<T>(name: 'module' | 'fs'): Promise<T> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const viaProcess = proc?.getBuiltinModule?.(`node:${name}`);
  if (viaProcess !== undefined) return viaProcess as T;
  const specifier = `node:${name}`;
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as T;
}

/**
 * The directory (with a trailing separator) that holds `@tensorflow/tfjs-backend-wasm`'s `.wasm`
 * binaries, resolved from this module's location like Node resolves the package itself.
 * tfjs-backend-wasm reads them with `fs` in Node, so this is a file path, not a URL.
 */
export async function nodeWasmBinaryDirectory(): Promise<string> {
  const { createRequire } = await nodeBuiltin<typeof import('node:module')>('module');
  const main = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return main.slice(0, Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\')) + 1);
}

/** Where the dynamic loader looks for libraries on common Linux distributions, besides LD_LIBRARY_PATH and its cache. */
const LINUX_LIBRARY_DIRS = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib', '/usr/local/lib'];

/** Whether `library` is a file in one of the `LD_LIBRARY_PATH` directories or {@link LINUX_LIBRARY_DIRS}. */
export function inLinuxLibraryDirs(library: string, ldLibraryPath: string | undefined, exists: (path: string) => boolean): boolean {
  return [...(ldLibraryPath ?? '').split(':').filter(Boolean), ...LINUX_LIBRARY_DIRS].some((dir) => exists(`${dir}/${library}`));
}

/**
 * Whether the Linux dynamic loader can find `library` (e.g. `libvulkan.so.1`): a file of that name
 * in LD_LIBRARY_PATH or a standard directory, or the name in `/etc/ld.so.cache`. A heuristic (it
 * does not check the file loads), used to avoid loading native code that would print to stderr.
 */
export async function linuxLibraryAvailable(library: string): Promise<boolean> {
  const fs = await nodeBuiltin<typeof import('node:fs')>('fs');
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  if (inLinuxLibraryDirs(library, env['LD_LIBRARY_PATH'], fs.existsSync)) return true;
  try {
    return fs.readFileSync('/etc/ld.so.cache').includes(library);
  } catch {
    return false;
  }
}
