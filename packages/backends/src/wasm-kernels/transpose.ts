import { Transpose, type KernelConfig, type KernelFunc, type TensorInfo, type TransposeAttrs } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels } from './simd/simd-kernels.js';

type HeapArray = Float32Array | Int32Array | Uint8Array;

/**
 * A permutation with the axes that stay neighbours merged: `[N, H, W, C]` by `[3, 0, 1, 2]` is
 * `[N*H*W, C]` by `[1, 0]`. Size-1 axes are dropped first, since they can go anywhere.
 */
export function collapsePermutation(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  // Runs of consecutive input axes in output order become one axis.
  const runs: number[][] = [];
  for (const axis of kept) {
    const last = runs.at(-1);
    if (last !== undefined && last.at(-1)! + 1 === axis) last.push(axis);
    else runs.push([axis]);
  }
  const byInputOrder = [...runs].sort((a, b) => a[0]! - b[0]!);
  return {
    shape: byInputOrder.map((run) => run.reduce((size, axis) => size * shape[axis]!, 1)),
    perm: runs.map((run) => byInputOrder.indexOf(run)),
  };
}

/** Cache tiles: 32 output elements of a row are written while 32 input rows are read. */
const TILE = 32;

/**
 * `out[b, c, r] = x[b, r, c]` for `batches` matrices of `rows x cols`, tile by tile so that both
 * the reads and the writes stay in cache.
 */
function transposeMatrices(x: HeapArray, out: HeapArray, batches: number, rows: number, cols: number): void {
  const size = rows * cols;
  for (let b = 0; b < batches; b++) {
    const base = b * size;
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r0 = 0; r0 < rows; r0 += TILE) {
        const r1 = Math.min(rows, r0 + TILE);
        for (let c = c0; c < c1; c++) {
          let d = base + c * rows + r0;
          let s = base + r0 * cols + c;
          for (let r = r0; r < r1; r++, d++, s += cols) out[d] = x[s]!;
        }
      }
    }
  }
}

/**
 * `Transpose` for permutations that are (batched) matrix transposes once neighbouring axes are
 * merged ({@link collapsePermutation}): kernels.wat's 4x4-block SIMD transpose for 32-bit values
 * when both sides are multiples of 4, else a tiled JavaScript loop over the wasm heap; other
 * permutations go to the original kernel. wasm's own walks the output element by element with
 * strided reads: 12 ms for the seed CNN's `[3072, 512]` fc1 weight (transposed every step so
 * that XNNPACK packs the small operand), 3.5 ms in JavaScript. The conv gradients'
 * `[N, H, W, C] -> [C, N, H, W]` is a matrix transpose as well.
 */
export function transposeKernel(original: KernelConfig): Omit<KernelConfig, 'backendName'> {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs['x'] as TensorInfo;
    const { perm } = args.attrs as unknown as TransposeAttrs;
    if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
    const collapsed = collapsePermutation(x.shape, perm);
    const matrix = collapsed.perm.length === 2 && collapsed.perm[0] === 1;
    const batched = collapsed.perm.length === 3 && collapsed.perm.join() === '0,2,1';
    if (!matrix && !batched) return original.kernelFunc(args);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(perm.map((axis) => x.shape[axis]!), x.dtype);
    // Views after makeOutput: allocating may grow (and detach) the wasm memory.
    const source = backend.typedArrayFromHeap(x) as HeapArray;
    const target = backend.typedArrayFromHeap(out) as HeapArray;
    const [batches, rows, cols] = (matrix ? [1, ...collapsed.shape] : collapsed.shape) as [number, number, number];
    const simd = rows % 4 === 0 && cols % 4 === 0 && source.BYTES_PER_ELEMENT === 4 ? simdKernels(backend) : undefined;
    if (simd) {
      const bytes = rows * cols * 4;
      for (let b = 0; b < batches; b++) simd.transpose4(source.byteOffset + b * bytes, target.byteOffset + b * bytes, rows, cols);
    } else transposeMatrices(source, target, batches, rows, cols);
    return out;
  };
  return { kernelName: Transpose, kernelFunc };
}
