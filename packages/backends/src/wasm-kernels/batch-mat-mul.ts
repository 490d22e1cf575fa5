import {
  BatchMatMul,
  engine,
  Tensor,
  transpose,
  util,
  type BatchMatMulAttrs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** Swaps the last two axes of a rank >= 2 tensor. */
function swapLastTwo(t: Tensor): Tensor {
  const perm = t.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
  return transpose(t, perm);
}

/**
 * What XNNPACK's packing of the right operand costs per element, in element copies: measured on
 * wasm SIMD (tfjs 4.22) as a fresh `[3072, 512]` right operand adding ~21 ms to a 6 ms product
 * where copying it takes ~5 ms. The right operand is fresh in every training step (weights
 * change after each update), so packing is paid every time.
 */
const PACKING_COST = 4;

/**
 * Whether to compute `C = A @ B` (A `[M, K]`, B `[K, N]`) as `C = (Bᵀ @ Aᵀ)ᵀ`, so that XNNPACK
 * packs the narrower matrix: worth it when N is much larger than M (a dense layer's forward and
 * input gradient at small batch), despite the transposes it needs.
 */
export function prefersSwappedProduct(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): boolean {
  const direct = PACKING_COST * k * n + (transposeA ? m * k : 0) + (transposeB ? k * n : 0);
  const swapped = PACKING_COST * k * m + (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + m * n;
  return swapped < 0.8 * direct;
}

/**
 * `BatchMatMul` for wasm, routed so that XNNPACK does the work and packs little:
 * - transposed cases (every dense layer's backward pass) become an explicit transpose followed
 *   by the untransposed `original` kernel: with transposeA/transposeB the wasm backend runs a
 *   naive single-threaded loop, many times slower than a transpose plus XNNPACK;
 * - unbatched products whose right operand is much wider than the left are computed as
 *   `(Bᵀ @ Aᵀ)ᵀ` ({@link prefersSwappedProduct}): the seed CNN's fc1 forward at batch 32,
 *   `[32, 3072] @ [3072, 512]`, packs 98 k values instead of 1.6 M.
 *
 * `original` is the kernel config that was registered before (kept by the caller from
 * `getKernel`): calling it directly, not `tf.matMul`, is what keeps this from recursing into
 * itself. Its `setupFunc` (which binds the wasm function) is carried over.
 */
export function transposeFreeBatchMatMulKernel(original: KernelConfig): Omit<KernelConfig, 'backendName'> {
  return {
    kernelName: BatchMatMul,
    ...(original.setupFunc === undefined ? {} : { setupFunc: original.setupFunc }),
    kernelFunc: (args) => {
      const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
      const aInfo = args.inputs['a'] as TensorInfo;
      const bInfo = args.inputs['b'] as TensorInfo;
      const [m, k] = transposeA ? aInfo.shape.slice(-2).reverse() : aInfo.shape.slice(-2);
      const n = transposeB ? bInfo.shape[bInfo.shape.length - 2]! : bInfo.shape[bInfo.shape.length - 1]!;
      const unbatched = util.sizeFromShape(aInfo.shape.slice(0, -2)) === 1 && util.sizeFromShape(bInfo.shape.slice(0, -2)) === 1;
      const swap = unbatched && prefersSwappedProduct(m!, k!, n, transposeA, transposeB);
      if (!swap && !transposeA && !transposeB) return original.kernelFunc(args);
      const created: Tensor[] = [];
      const asTensor = (info: TensorInfo): Tensor => {
        if (info instanceof Tensor) return info;
        const t = engine().makeTensorFromTensorInfo(info);
        created.push(t);
        return t;
      };
      const prepare = (info: TensorInfo, flip: boolean): TensorInfo => {
        if (!flip) return info;
        const t = swapLastTwo(asTensor(info));
        created.push(t);
        return t;
      };
      const untransposed = (left: TensorInfo, right: TensorInfo) =>
        original.kernelFunc({ ...args, inputs: { a: left, b: right }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as TensorInfo;
      try {
        if (!swap) return untransposed(prepare(aInfo, transposeA), prepare(bInfo, transposeB));
        // Cᵀ = op(B)ᵀ @ op(A)ᵀ, where op(B)ᵀ is b itself when transposeB (likewise for a).
        const cT = asTensor(untransposed(prepare(bInfo, !transposeB), prepare(aInfo, !transposeA)));
        return swapLastTwo(cT);
      } finally {
        for (const t of created) t.dispose();
      }
    },
  };
}
