import {
  BatchMatMul,
  engine,
  Tensor,
  transpose,
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
 * `BatchMatMul` whose transposed cases (every dense layer's backward pass) become an explicit
 * transpose followed by the untransposed `original` kernel. Why: the wasm backend sends only
 * the untransposed case to XNNPACK; with transposeA/transposeB it runs a naive single-threaded
 * loop, many times slower than a transpose plus XNNPACK.
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
      if (!transposeA && !transposeB) return original.kernelFunc(args);
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
      try {
        const a = prepare(args.inputs['a'] as TensorInfo, transposeA);
        const b = prepare(args.inputs['b'] as TensorInfo, transposeB);
        return original.kernelFunc({
          ...args,
          inputs: { a, b },
          attrs: { ...args.attrs, transposeA: false, transposeB: false },
        });
      } finally {
        for (const t of created) t.dispose();
      }
    },
  };
}
