import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * `Identity` that shares the input's memory (one more reference), as the cpu backend's does.
 * wasm's own copies the tensor, and tfjs clones every tensor a gradient saves while the tape
 * is on: 335 copies (44 ms) per seed-CNN training step. Sharing is safe because no wasm
 * kernel writes into its inputs. Strings go to the original kernel.
 */
export function identityKernel(original: KernelConfig): Omit<KernelConfig, 'backendName'> {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs['x'] as TensorInfo;
    if (x.dtype === 'string') return original.kernelFunc(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: Identity, kernelFunc };
}
