import { Cast, Identity, type CastAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The input itself with one more reference to its memory. */
function shared(backend: BackendWasm, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

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
    return shared(args.backend as BackendWasm, x);
  };
  return { kernelName: Identity, kernelFunc };
}

/**
 * `Cast`. To the dtype a tensor already has, it shares the memory, as `Identity` does; wasm's own
 * copies it (tfjs's ReLU gradient casts its float32 step mask to float32: 1.6 ms per seed-CNN
 * step at batch 32). To bool, it is `x != 0`, as on cpu: wasm's own truncates into bytes (-2.5
 * becomes 254, 0.5 becomes 0). Other conversions go to the original kernel.
 */
export function castKernel(original: KernelConfig): Omit<KernelConfig, 'backendName'> {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs['x'] as TensorInfo;
    const { dtype } = args.attrs as unknown as CastAttrs;
    const backend = args.backend as BackendWasm;
    if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
    if (x.dtype === dtype) return shared(backend, x);
    if (dtype === 'bool') {
      const out = backend.makeOutput(x.shape, 'bool');
      // Views after makeOutput: allocating may grow (and detach) the wasm memory.
      const source = backend.typedArrayFromHeap(x);
      const target = backend.typedArrayFromHeap(out);
      for (let i = 0; i < source.length; i++) target[i] = source[i] !== 0 ? 1 : 0;
      return out;
    }
    return original.kernelFunc(args);
  };
  return { kernelName: Cast, kernelFunc };
}
