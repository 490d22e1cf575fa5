import {
  Mean,
  Sum,
  avgPool,
  mul,
  reshape,
  scalar,
  Tensor,
  tidy,
  type Tensor4D,
  util,
  type KernelConfig,
  type MeanAttrs,
  type SumAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * The length of the leading block `[0, k)` that `axis` reduces, or 0 when it is not such a block
 * (or is every axis): only then is the reduction one pooling window over a `[1, rows, 1, rest]` view.
 */
function leadingAxesCount(axis: number | number[], shape: number[]): number {
  const axes = util.parseAxisParam(axis, shape).sort((a, b) => a - b);
  const isLeadingBlock = axes.every((a, i) => a === i); // (repeated axes are not: original kernel)
  return isLeadingBlock && axes.length < shape.length ? axes.length : 0;
}

/**
 * A reduction kernel whose float32 reductions over leading axes (`[N, H, W, C]` -> `[C]`: a bias
 * gradient, BatchNorm statistics) become one XNNPACK average pool: `x` viewed as
 * `[1, rows, 1, rest]` (channels last, so the reduced axes are the pooled ones) with a single
 * `[rows, 1]` window, times `rows` for a sum. The wasm backend's own Sum/Mean first transpose the
 * whole tensor to make the axes innermost: ~130 ms vs ~8 ms for the seed CNN's first bias
 * gradient (`[128, 64, 25, 32]`). (A matMul with ones is no faster: XNNPACK packs the big
 * operand as weights.) Accumulation is float32, in two passes (see below).
 * Every other case goes to `original`.
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
      const inner = pairwiseSplit(rows);
      const outer = rows / inner;
      return tidy(() => {
        // Two pools, the rows as outer x inner: float32 accumulation error grows with the length
        // of each pass, so (outer + inner) ε instead of rows ε (51,200 rows: ~450 vs ~51,200 ulp).
        const view = reshape(x, [1, outer, inner, util.sizeFromShape(rest)]) as Tensor4D;
        const partial = inner > 1 ? avgPool(view, [1, inner], [1, inner], 'valid') : view;
        const mean = avgPool(partial, [outer, 1], [outer, 1], 'valid');
        return reshape(kernelName === Mean ? mean : mul(mean, scalar(rows)), outShape);
      });
    },
  };
}

/** The largest divisor of `rows` not above its square root (1 when there is no useful one). */
export function pairwiseSplit(rows: number): number {
  for (let d = Math.floor(Math.sqrt(rows)); d > 1; d--) if (rows % d === 0) return d >= 4 ? d : 1;
  return 1;
}

/** `Sum` over leading axes as an average pool times the count; see {@link leadingAxesReductionKernel}. */
export const leadingAxesSumKernel = (original: KernelConfig) => leadingAxesReductionKernel(Sum, original);

/** `Mean` over leading axes as an average pool; see {@link leadingAxesReductionKernel}. */
export const leadingAxesMeanKernel = (original: KernelConfig) => leadingAxesReductionKernel(Mean, original);
