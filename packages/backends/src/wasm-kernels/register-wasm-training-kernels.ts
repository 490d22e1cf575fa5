import {
  BatchMatMul,
  Cast,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  GatherV2,
  getKernel,
  Identity,
  MaxPoolGrad,
  Mean,
  registerKernel,
  Reverse,
  Slice,
  Sum,
  Transpose,
  UnsortedSegmentSum,
  Unpack,
  unregisterKernel,
  type KernelConfig,
} from '@tensorflow/tfjs-core';
import { AdamUpdate, BatchNormTrain, BatchNormTrainGrad } from '@skelnorm/nn';
import { adamUpdateKernel } from './adam-update.js';
import { transposeFreeBatchMatMulKernel } from './batch-mat-mul.js';
import { batchNormTrainGradKernel, batchNormTrainKernel } from './batch-norm-train.js';
import { conv2DBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputKernel } from './conv2d-backprop-input.js';
import { gatherKernel } from './gather.js';
import { castKernel, identityKernel } from './identity.js';
import { leadingAxesMeanKernel, leadingAxesSumKernel } from './leading-axes-reduction.js';
import { maxPoolGradKernel } from './max-pool-grad.js';
import { reverseKernel } from './reverse.js';
import { simdSupported } from './simd/simd-kernels.js';
import { sliceKernel, unpackKernel } from './slice.js';
import { transposeKernel } from './transpose.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';

const BACKEND = 'wasm';

/**
 * How to build our kernel for one name, given the wasm kernel registered before (if any).
 * Kernels that delegate to the original return undefined when there is none.
 */
type KernelRecipe = readonly [kernelName: string, build: (original: KernelConfig | undefined) => Omit<KernelConfig, 'backendName'> | undefined];

const RECIPES: readonly KernelRecipe[] = [
  [Conv2DBackpropFilter, () => conv2DBackpropFilterKernel],
  [Conv2DBackpropInput, () => conv2DBackpropInputKernel],
  [UnsortedSegmentSum, () => unsortedSegmentSumKernel],
  [MaxPoolGrad, () => maxPoolGradKernel],
  [BatchMatMul, (original) => original && transposeFreeBatchMatMulKernel(original)],
  [Sum, (original) => original && leadingAxesSumKernel(original)],
  [Mean, (original) => original && leadingAxesMeanKernel(original)],
  [Slice, (original) => original && sliceKernel(original)],
  [Unpack, (original) => original && unpackKernel(original)],
  [Identity, (original) => original && identityKernel(original)],
  [Cast, (original) => original && castKernel(original)],
  [Transpose, (original) => original && transposeKernel(original)],
  [Reverse, (original) => original && reverseKernel(original)],
  [GatherV2, (original) => original && gatherKernel(original)],
  [AdamUpdate, () => (simdSupported() ? adamUpdateKernel : undefined)],
  [BatchNormTrain, () => (simdSupported() ? batchNormTrainKernel : undefined)],
  [BatchNormTrainGrad, () => (simdSupported() ? batchNormTrainGradKernel : undefined)],
];

/** Configs that this module registered, by kernel name, with what they replaced (if anything). */
const installed = new Map<string, { ours: KernelConfig; replaced: KernelConfig | undefined }>();

/** The names of the kernels that {@link registerWasmTrainingKernels} provides. */
export const WASM_TRAINING_KERNEL_NAMES: readonly string[] = Object.freeze(RECIPES.map(([name]) => name));

/**
 * Registers kernels that make the wasm backend train the seed CNN, correctly and fast. Each is
 * built from tfjs ops that wasm runs well (XNNPACK conv2d and matMul) or is a JavaScript loop over
 * the wasm heap:
 * - `Conv2DBackpropFilter` (missing in wasm): a patch matrix written on the heap times dy;
 * - `Conv2DBackpropInput` (wasm's is a naive loop): conv2d of the zero-dilated output gradient
 *   with the flipped filter;
 * - `UnsortedSegmentSum` (missing; the gradient of `gather`): a one-hot selector times a matMul;
 * - `MaxPoolGrad` (wasm's drops the gradient of windows whose max is <= 0, and is slow): a
 *   JavaScript loop over the wasm heap with the cpu backend's semantics;
 * - `BatchMatMul` with transposeA/transposeB (wasm's is a naive single-threaded loop): explicit
 *   transpose, then wasm's own untransposed kernel;
 * - `Sum` / `Mean` over leading axes (bias gradients, BatchNorm statistics; wasm transposes the
 *   whole tensor first): average pools (two passes, for accuracy); other reductions use wasm's own;
 * - `Slice` / `Unpack` (wasm's copy element by element from rank 5 on, e.g. one person of a
 *   skeleton batch): contiguous runs;
 * - `Identity` (wasm's copies; tfjs clones every tensor a gradient saves) and `Cast` to the same
 *   dtype: share the memory;
 * - `Transpose` when it is a (batched) matrix transpose (wasm's walks the output element by
 *   element): a tiled loop;
 * - `Reverse` and `GatherV2` without batch dimensions (wasm's compute every element's index):
 *   copies of contiguous runs;
 * - `SkelnormAdamUpdate` (ours, see @skelnorm/nn's fused kernels): the whole Adam step in one
 *   SIMD pass;
 * - `SkelnormBatchNormTrain` and its gradient (ours, where wasm SIMD runs): BatchNorm's training
 *   forward and backward in two SIMD passes each.
 *
 * Requires `@tensorflow/tfjs-backend-wasm` to be imported (not necessarily initialized: each
 * replaced kernel's `setupFunc` is carried over). Idempotent; {@link unregisterWasmTrainingKernels}
 * restores the originals. `setupBackend` calls this when it chooses wasm.
 *
 * @param kernelNames which of {@link WASM_TRAINING_KERNEL_NAMES} to register (default: all), e.g.
 *   only the missing ones to compare with wasm's own kernels.
 * @returns the kernel names now served by these kernels.
 */
export function registerWasmTrainingKernels(kernelNames: readonly string[] = WASM_TRAINING_KERNEL_NAMES): string[] {
  const unknown = kernelNames.filter((name) => !WASM_TRAINING_KERNEL_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new Error(`registerWasmTrainingKernels: no kernel ${unknown.join(', ')}; choose from ${WASM_TRAINING_KERNEL_NAMES.join(', ')}.`);
  }
  for (const [kernelName, build] of RECIPES.filter(([name]) => kernelNames.includes(name))) {
    const current = getKernel(kernelName, BACKEND);
    const previous = installed.get(kernelName);
    if (current !== undefined && current === previous?.ours) continue;
    const replaced = previous?.replaced ?? current;
    const kernel = build(replaced);
    if (kernel === undefined) continue;
    const setupFunc = kernel.setupFunc ?? replaced?.setupFunc;
    const ours: KernelConfig = { ...kernel, backendName: BACKEND, ...(setupFunc === undefined ? {} : { setupFunc }) };
    if (current !== undefined) unregisterKernel(kernelName, BACKEND);
    registerKernel(ours);
    installed.set(kernelName, { ours, replaced });
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
