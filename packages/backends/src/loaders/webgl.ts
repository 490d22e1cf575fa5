import { errorSummary, importOptional, isModuleNotFound } from '../optional-import.js';
import { activate, isBackendRegistered } from './activate.js';
import { skip, type BackendLoader } from './backend-loader.js';
import { webglRenderer } from './webgl-renderer.js';

/**
 * `@tensorflow/tfjs-backend-webgl` (browser). Not a dependency of this package: a browser app
 * that wants it imports it itself (then its backend is registered and used here); otherwise the
 * runtime is asked for it by name, which works only where something maps the name (import map).
 */
export const webglLoader: BackendLoader = {
  variant: 'webgl',
  async load(context) {
    // As for WebGPU: a CPU-emulated GPU (headless Chromium's SwiftShader) runs our models about 10x
    // slower than wasm, so `auto` passes it by; naming webgl still takes it.
    const renderer = webglRenderer();
    if (renderer?.software && !context.forced) {
      return skip(`WebGL renders on ${renderer.name}, a software renderer (slower than wasm; force with prefer: 'webgl')`);
    }
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
