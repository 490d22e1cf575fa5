import { GatherV2, util, type GatherV2Attrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type HeapArray = Float32Array | Int32Array | Uint8Array;

/**
 * `GatherV2` without batch dimensions as one copy per index of the contiguous block behind the
 * gathered axis: the person-sparse forward gathers whole samples (`[7, 8, 3, 128]` rows into a
 * batch of 32), where wasm's own computes every element's index (3.4 ms; 0.05 ms here). An
 * index outside the axis is refused, as the cpu backend does. Batched gathers go to the
 * original kernel.
 */
export function gatherKernel(original: KernelConfig): Omit<KernelConfig, 'backendName'> {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs['x'] as TensorInfo;
    const indices = args.inputs['indices'] as TensorInfo;
    const { axis, batchDims } = args.attrs as unknown as GatherV2Attrs;
    if (x.dtype === 'string' || x.dtype === 'complex64' || (batchDims ?? 0) !== 0) return original.kernelFunc(args);
    const [gatherAxis] = util.parseAxisParam(axis, x.shape);
    const dim = x.shape[gatherAxis!]!;
    const outer = util.sizeFromShape(x.shape.slice(0, gatherAxis));
    const run = util.sizeFromShape(x.shape.slice(gatherAxis! + 1));
    const backend = args.backend as BackendWasm;
    // Copied before makeOutput, which may grow (and detach) the wasm memory.
    const positions = Array.from(backend.typedArrayFromHeap(indices) as Int32Array | Float32Array);
    for (const index of positions) {
      if (!(index >= 0 && index < dim) || !Number.isInteger(index)) {
        throw new Error(`GatherV2: the index value ${index} is not in [0, ${dim - 1}]`);
      }
    }
    const out = backend.makeOutput([...x.shape.slice(0, gatherAxis), ...indices.shape, ...x.shape.slice(gatherAxis! + 1)], x.dtype);
    const source = backend.typedArrayFromHeap(x) as HeapArray;
    const target = backend.typedArrayFromHeap(out) as HeapArray;
    let to = 0;
    for (let o = 0; o < outer; o++) {
      for (const index of positions) {
        const from = (o * dim + index) * run;
        target.set(source.subarray(from, from + run), to);
        to += run;
      }
    }
    return out;
  };
  return { kernelName: GatherV2, kernelFunc };
}
