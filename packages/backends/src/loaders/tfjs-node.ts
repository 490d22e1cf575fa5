import { errorSummary, importOptional, isModuleNotFound } from '../optional-import.js';
import { activate, isBackendRegistered } from './activate.js';
import { skip, type BackendLoader } from './backend-loader.js';

/**
 * `@tensorflow/tfjs-node(-gpu)`: libtensorflow through a native addon, backend 'tensorflow'.
 * Optional peers: their install script downloads libtensorflow from outside the npm registry,
 * so they are often absent; then this variant is skipped with the reason.
 */
function tfjsNodeLoader(variant: 'node' | 'node-gpu', specifier: string): BackendLoader {
  return {
    variant,
    async load() {
      if (!isBackendRegistered('tensorflow')) {
        try {
          await importOptional(specifier);
        } catch (error) {
          return skip(isModuleNotFound(error) ? `${specifier} is not installed` : `${specifier} failed to load: ${errorSummary(error)}`);
        }
        // The engine and registries live on a global that every tfjs-core copy shares, so a
        // missing backend here means the package did not register one, not a second engine.
        if (!isBackendRegistered('tensorflow')) return skip(`${specifier} loaded but registered no 'tensorflow' backend`);
      }
      return activate('tensorflow', `${specifier} (libtensorflow)`);
    },
  };
}

export const tfjsNodeGpuLoader = tfjsNodeLoader('node-gpu', '@tensorflow/tfjs-node-gpu');
export const tfjsNodeCpuLoader = tfjsNodeLoader('node', '@tensorflow/tfjs-node');
