/**
 * `import()` of a module that bundlers must not try to resolve: Node-only packages (`webgpu`,
 * `@tensorflow/tfjs-node`) and optional peers that may be absent (`@tensorflow/tfjs-backend-webgl`).
 * A literal `import('webgpu')` would make Vite/esbuild pull a native addon into a browser bundle
 * or fail the build when the peer is not installed; a specifier held in a variable is left alone
 * and resolved by the runtime when (and only when) this runs.
 */
export async function importOptional<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as T;
}

/** The first line of an import or initialization error, for a one-line skip reason. */
export function errorSummary(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/** Whether `error` says that the module itself is missing (rather than failing to load). */
export function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (package|module)|Failed to resolve module specifier/.test(errorSummary(error))
  );
}
