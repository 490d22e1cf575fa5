import { slice_util, Slice, Unpack, util, type KernelConfig, type KernelFunc, type SliceAttrs, type TensorInfo, type UnpackAttrs } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type HeapArray = Float32Array | Int32Array | Uint8Array;

/**
 * Copies the box `begin`/`size` of a row-major `shape` tensor as runs of contiguous memory.
 * The trailing axes that the box takes whole are merged with the innermost partial axis into one
 * run, so `[32, 2, 64, 25, 3]`, person 1 is 32 copies of 4,800 values; the axes before it are
 * walked with an odometer.
 */
function copyBox(x: HeapArray, shape: readonly number[], begin: readonly number[], size: readonly number[], out: HeapArray): void {
  const rank = shape.length;
  if (util.sizeFromShape(size as number[]) === 0) return;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  const strides = util.computeStrides(shape as number[]);
  const stride = (axis: number) => (axis === rank - 1 ? 1 : strides[axis]!);
  // The innermost axis that is not taken whole; everything inside it is one contiguous run.
  let inner = rank - 1;
  while (inner > 0 && begin[inner] === 0 && size[inner] === shape[inner]) inner--;
  const run = size[inner]! * stride(inner);
  let source = 0;
  for (let axis = 0; axis <= inner; axis++) source += begin[axis]! * stride(axis);
  const counter = new Array<number>(inner).fill(0);
  for (let written = 0; written < out.length; written += run) {
    out.set(x.subarray(source, source + run), written);
    // Advance the odometer over the axes before `inner`, innermost first.
    let axis = inner - 1;
    for (; axis >= 0; axis--) {
      source += stride(axis);
      if (++counter[axis]! < size[axis]!) break;
      counter[axis] = 0;
      source -= size[axis]! * stride(axis);
    }
    if (axis < 0) break;
  }
}

function sliceOn(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // Views after makeOutput: allocating may grow (and detach) the wasm memory.
  copyBox(backend.typedArrayFromHeap(x) as HeapArray, x.shape, begin, size, backend.typedArrayFromHeap(out) as HeapArray);
  return out;
}

/**
 * `Slice` for every rank as contiguous runs. wasm's own copies rows for ranks 2-4 but falls back
 * to the cpu backend's per-element index arithmetic from rank 5 on: taking one person of a
 * `[32, 2, 64, 25, 3]` skeleton batch took 365 ms of a 1.35 s training step. Strings go to the
 * original kernel.
 */
export function sliceKernel(original: KernelConfig): Omit<KernelConfig, 'backendName'> {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs['x'] as TensorInfo;
    if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
    const { begin, size } = args.attrs as unknown as SliceAttrs;
    const [begin_, size_] = slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
    return sliceOn(args.backend as BackendWasm, x, begin_, size_);
  };
  return { kernelName: Slice, kernelFunc };
}

/** `Unpack` (`tf.unstack`) through the run-copying slice: one copy per output and run. */
export function unpackKernel(original: KernelConfig): Omit<KernelConfig, 'backendName'> {
  const kernelFunc: KernelFunc = (args) => {
    const value = args.inputs['value'] as TensorInfo;
    if (value.dtype === 'string' || value.dtype === 'complex64') return original.kernelFunc(args);
    const rank = value.shape.length;
    const { axis: rawAxis } = args.attrs as unknown as UnpackAttrs;
    const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const size = value.shape.map((d, i) => (i === axis ? 1 : d));
    return Array.from({ length: value.shape[axis] ?? 0 }, (_, k) => {
      const begin = value.shape.map((_, i) => (i === axis ? k : 0));
      const { dataId, dtype } = sliceOn(args.backend as BackendWasm, value, begin, size);
      return { dataId, dtype, shape: outShape };
    });
  };
  return { kernelName: Unpack, kernelFunc };
}
