import { getKernel, registerKernel, unregisterKernel, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

/** WebGPU's default `maxStorageBuffersPerShaderStage`, which tfjs-backend-webgpu does not raise. */
const DEFAULT_STORAGE_BUFFERS = 8;

let installed = false;

/**
 * Works around a tfjs-backend-webgpu 4.22 limitation: its `AddN` kernel binds every input as a
 * storage buffer in one shader, and WebGPU allows 8 per stage (7 inputs + the output) unless the
 * device asks for more, which tfjs does not. With more inputs the pipeline is invalid, the
 * dispatch is dropped and the result is whatever the output buffer held: no exception, only
 * console warnings. `tf.addN` of the squared gradient norms (one per parameter, 18 in the seed
 * CNN) hits it in every training step. The wrapper sums at most 7 tensors per dispatch and adds
 * the partial sums the same way. (tfjs's own `Concat` on WebGPU already chunks like this.)
 *
 * Installed once, for the `webgpu` backend only; the kernel's gradient is untouched.
 */
export function limitWebgpuAddNInputs(): void {
  if (installed) return;
  const original = getKernel('AddN', 'webgpu');
  if (original === undefined) return;
  const originalFunc = original.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const inputs = Object.values(args.inputs) as TensorInfo[];
    const device = (args.backend as { device?: { limits?: { maxStorageBuffersPerShaderStage?: number } } }).device;
    const maxInputs = Math.max(2, (device?.limits?.maxStorageBuffersPerShaderStage ?? DEFAULT_STORAGE_BUFFERS) - 1);
    if (inputs.length <= maxInputs) return originalFunc(args);
    let level = inputs;
    const partials: TensorInfo[] = [];
    while (level.length > maxInputs) {
      const next: TensorInfo[] = [];
      for (let i = 0; i < level.length; i += maxInputs) {
        const chunk = level.slice(i, i + maxInputs);
        if (chunk.length === 1) {
          next.push(chunk[0]!);
          continue;
        }
        const sum = originalFunc({ ...args, inputs: chunk as unknown as typeof args.inputs }) as TensorInfo;
        partials.push(sum);
        next.push(sum);
      }
      level = next;
    }
    const result = originalFunc({ ...args, inputs: level as unknown as typeof args.inputs });
    // The backend defers freeing buffers that queued commands still use.
    for (const partial of partials) (args.backend as KernelBackend).disposeData(partial.dataId);
    return result;
  };
  unregisterKernel('AddN', 'webgpu');
  registerKernel({ ...(original as KernelConfig), kernelFunc });
  installed = true;
}
