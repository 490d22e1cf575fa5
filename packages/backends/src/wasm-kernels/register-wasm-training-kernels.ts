import { BatchMatMul, getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { transposeFreeBatchMatMulKernel } from './batch-mat-mul.js';
import { conv2DBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputKernel } from './conv2d-backprop-input.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';

const BACKEND = 'wasm';

/** Configs that this module registered, by kernel name, with what they replaced (if anything). */
const installed = new Map<string, { ours: KernelConfig; replaced: KernelConfig | undefined }>();

/** Our kernels for the wasm backend, each built from ordinary tfjs ops that run fast there. */
function trainingKernels(): Omit<KernelConfig, 'backendName'>[] {
  const kernels = [conv2DBackpropFilterKernel, conv2DBackpropInputKernel, unsortedSegmentSumKernel];
  const matMul = installed.get(BatchMatMul)?.replaced ?? getKernel(BatchMatMul, BACKEND);
  // Without the wasm BatchMatMul (backend not imported) there is nothing to speed up.
  if (matMul !== undefined) kernels.push(transposeFreeBatchMatMulKernel(matMul));
  return kernels;
}

/**
 * Registers kernels that make the wasm backend train the seed CNN, and fast:
 * - `Conv2DBackpropFilter` (missing in wasm): one XNNPACK conv2d over transposed tensors;
 * - `Conv2DBackpropInput` (wasm's is a naive loop): conv2d of the zero-dilated output gradient
 *   with the flipped filter;
 * - `UnsortedSegmentSum` (missing; the gradient of `gather`): a one-hot selector times a matMul;
 * - `BatchMatMul` with transposeA/transposeB (wasm's is a naive single-threaded loop): explicit
 *   transpose, then wasm's own untransposed kernel.
 *
 * Measured on the seed CNN's training step (batch 64, 2 cores): see the package README.
 * Requires `@tensorflow/tfjs-backend-wasm` to be imported (not necessarily initialized: each
 * replaced kernel's `setupFunc` is carried over). Idempotent; {@link unregisterWasmTrainingKernels}
 * restores the originals. `setupBackend` calls this when it chooses wasm.
 *
 * @returns the kernel names now served by these kernels.
 */
export function registerWasmTrainingKernels(): string[] {
  for (const kernel of trainingKernels()) {
    const current = getKernel(kernel.kernelName, BACKEND);
    if (current !== undefined && current === installed.get(kernel.kernelName)?.ours) continue;
    const ours: KernelConfig = { ...kernel, backendName: BACKEND };
    if (current !== undefined) unregisterKernel(kernel.kernelName, BACKEND);
    registerKernel(ours);
    installed.set(kernel.kernelName, { ours, replaced: current });
  }
  return [...installed.keys()];
}

/** Removes the kernels that {@link registerWasmTrainingKernels} registered and puts back the ones they replaced. */
export function unregisterWasmTrainingKernels(): void {
  for (const [kernelName, { ours, replaced }] of installed) {
    if (getKernel(kernelName, BACKEND) === ours) {
      unregisterKernel(kernelName, BACKEND);
      if (replaced !== undefined) registerKernel(replaced);
    }
    installed.delete(kernelName);
  }
}
