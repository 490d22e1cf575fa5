/**
 * Node built-in modules, reached without an `import` statement that a browser bundler would see.
 * `process.getBuiltinModule` (Node >= 20.16) is synchronous and invisible to bundlers; on older
 * Node a dynamic `import()` with a computed specifier does the same job. Call only when
 * {@link detectRuntime} says 'node'.
 */
export async function nodeBuiltin<T>(name: 'module'): Promise<T> {
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
