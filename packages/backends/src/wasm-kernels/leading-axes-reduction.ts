import {
  Mean,
  Sum,
  matMul,
  mul,
  ones,
  reshape,
  scalar,
  Tensor,
  tidy,
  util,
  type KernelConfig,
  type MeanAttrs,
  type SumAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * The length of the leading block `[0, k)` that `axis` reduces, or 0 when it is not such a block
 * (or is every axis): only then is the reduction a matMul of ones with a `[rows, rest]` view.
 */
function leadingAxesCount(axis: number | number[], shape: number[]): number {
  const axes = util.parseAxisParam(axis, shape).sort((a, b) => a - b);
  const isLeadingBlock = axes.every((a, i) => a === i); // (repeated axes are not: original kernel)
  return isLeadingBlock && axes.length < shape.length ? axes.length : 0;
}

/**
 * A reduction kernel whose float32 reductions over leading axes (`[N, H, W, C]` -> `[C]`: a bias
 * gradient, BatchNorm statistics) become `ones[1, rows] @ x[rows, rest]`: one XNNPACK matMul
 * instead of the wasm backend's full transpose (to make the axes innermost) plus a sum, ~30x
 * faster for the seed CNN's first conv. Every other case goes to `original`.
 */
function leadingAxesReductionKernel(
  kernelName: typeof Sum | typeof Mean,
  original: KernelConfig,
): Omit<KernelConfig, 'backendName'> {
  return {
    kernelName,
    ...(original.setupFunc === undefined ? {} : { setupFunc: original.setupFunc }),
    kernelFunc: (args) => {
      const info = args.inputs['x'] as TensorInfo;
      // (Kernel inputs are the op's tensors; anything else goes the original way.)
      if (!(info instanceof Tensor)) return original.kernelFunc(args);
      const x = info;
      const { axis, keepDims } = args.attrs as unknown as SumAttrs | MeanAttrs;
      const k = x.dtype === 'float32' ? leadingAxesCount(axis, x.shape) : 0;
      const rows = util.sizeFromShape(x.shape.slice(0, k));
      if (k === 0 || rows === 0 || util.sizeFromShape(x.shape) === 0) return original.kernelFunc(args);
      const rest = x.shape.slice(k);
      const outShape = keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest;
      return tidy(() => {
        const summed = matMul(ones([1, rows]), reshape(x, [rows, util.sizeFromShape(rest)]));
        return reshape(kernelName === Mean ? mul(summed, scalar(1 / rows)) : summed, outShape);
      });
    },
  };
}

/** `Sum` over leading axes as a matMul with ones; see {@link leadingAxesReductionKernel}. */
export const leadingAxesSumKernel = (original: KernelConfig) => leadingAxesReductionKernel(Sum, original);

/** `Mean` over leading axes as a matMul with ones, then a scale; see {@link leadingAxesReductionKernel}. */
export const leadingAxesMeanKernel = (original: KernelConfig) => leadingAxesReductionKernel(Mean, original);
