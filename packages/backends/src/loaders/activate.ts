import { engine, findBackendFactory, getBackend, setBackend } from '@tensorflow/tfjs-core';
import { skip, type LoadOutcome } from './backend-loader.js';

/** Whether a tfjs backend of this name is registered (its package was imported). Initializes nothing. */
export const isBackendRegistered = (name: string): boolean => findBackendFactory(name) != null;

/** Whether a tfjs backend of this name has been initialized (after which e.g. `setWasmPaths` is too late). */
export const isBackendInitialized = (name: string): boolean => engine().registry[name] !== undefined;

/**
 * Makes a registered backend tfjs's active one. tfjs reports an initialization failure only
 * as a console warning and `false`, so the reason points there.
 */
export async function activate(name: string, detail: string): Promise<LoadOutcome> {
  if (!isBackendRegistered(name)) return skip(`no tfjs backend '${name}' is registered`);
  if (!(await setBackend(name))) return skip(`tfjs could not initialize backend '${name}' (see its warning above)`);
  if (getBackend() !== name) return skip(`backend '${getBackend()}' is active instead of '${name}'`);
  return { ok: true, name, detail };
}
