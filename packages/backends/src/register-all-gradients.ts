import { getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { tfjsGradientConfigs } from './tfjs-gradients.generated.js';

/**
 * Registers every gradient that tfjs-core defines (about 100, e.g. `RealDiv`, `Conv2D`,
 * `MaxPool`) with the tfjs-core instance that `import '@tensorflow/tfjs-core'` gives user code.
 *
 * Why this exists: tfjs-core's Node entry (`dist/tf-core.node.js`, which plain Node and vitest
 * load) registers no gradients and does not even contain them, so `tf.grad` fails with
 * "gradient function not found for RealDiv". The only copy of the gradients is the ESM tree
 * `@tensorflow/tfjs-core/dist/register_all_gradients.js`, which cannot be imported in plain
 * Node (extension-less relative imports) and, where it can be imported (bundlers), brings a
 * second copy of tfjs-core's modules. Importing `@tensorflow/tfjs-layers` for its side effect
 * is heavy. This package ships the same gradient configs pre-bundled against tfjs-core's
 * public API (`tfjs-gradients.generated.ts`, made by `scripts/generate-gradients.mjs`), so it
 * works the same in plain Node ESM, vitest, esbuild bundles and Vite, on one tfjs-core.
 *
 * Idempotent; a gradient already registered for a kernel (by the user, by tfjs-layers, by an
 * earlier call) is left as it is, so custom gradients are never overridden.
 *
 * @returns the kernel names whose gradient this call registered (empty on a second call).
 */
export function registerAllGradients(): string[] {
  const registered: string[] = [];
  for (const config of tfjsGradientConfigs) {
    if (getGradient(config.kernelName) != null) continue;
    registerGradient(config);
    registered.push(config.kernelName);
  }
  return registered;
}
