import { errorSummary, importOptional, isModuleNotFound } from '../optional-import.js';
import { activate, isBackendRegistered } from './activate.js';
import { skip, type BackendLoader } from './backend-loader.js';

/**
 * `@tensorflow/tfjs-backend-webgl` (browser). Not a dependency of this package: a browser app
 * that wants it imports it itself (then its backend is registered and used here); otherwise the
 * runtime is asked for it by name, which works only where something maps the name (import map).
 */
export const webglLoader: BackendLoader = {
  variant: 'webgl',
  async load() {
    if (!isBackendRegistered('webgl')) {
      try {
        await importOptional('@tensorflow/tfjs-backend-webgl');
      } catch (error) {
        return skip(isModuleNotFound(error) ? '@tensorflow/tfjs-backend-webgl is not installed (or not imported by the app)' : `@tensorflow/tfjs-backend-webgl failed to load: ${errorSummary(error)}`);
      }
    }
    return activate('webgl', 'WebGL');
  },
};
