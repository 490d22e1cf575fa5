/** The two kinds of JavaScript runtime whose backend lists differ. */
export type Runtime = 'node' | 'browser';

/**
 * Tells Node from a browser (or web worker) without importing anything: Node has
 * `process.versions.node` and no `window`. Deno and Bun report a Node version too and are
 * treated as Node.
 */
export function detectRuntime(): Runtime {
  const g = globalThis as { process?: { versions?: { node?: unknown } }; window?: unknown };
  return typeof g.process?.versions?.node === 'string' && g.window === undefined ? 'node' : 'browser';
}
