import {
  Conv2DBackpropFilter,
  engine,
  matMul,
  reshape,
  tidy,
  transpose,
  type backend_util,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type Tensor,
  type Tensor2D,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { forwardConvInfo } from './conv2d-geometry.js';

/**
 * The transposed patch matrix of a convolution's input: row `(p, q, c)` (filter row, filter
 * column, input channel), column `(n, i, j)` (output position) holds
 * `x[n, i*sh + p - top, j*sw + q - left, c]`, or 0 in the padding. Written in JavaScript on the
 * wasm heap from `xT = x` transposed to `[C, N, H, W]`, where every read run along W is
 * contiguous.
 */
function transposedPatches(wasm: BackendWasm, xT: Tensor4D, info: backend_util.Conv2DInfo): Tensor2D {
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, outHeight, outWidth } = info;
  const [channels, batch, inHeight, inWidth] = xT.shape;
  const out = wasm.makeOutput([fh * fw * channels, batch * outHeight * outWidth], 'float32');
  // Views after makeOutput: allocating may grow (and detach) the wasm memory.
  const patches = wasm.typedArrayFromHeap(out) as Float32Array;
  const x = wasm.typedArrayFromHeap(xT) as Float32Array;
  const geometry: PatchGeometry = { fh, fw, sh, sw, top: info.padInfo.top, left: info.padInfo.left, channels, batch, inHeight, inWidth, outHeight, outWidth };
  if (sh === 1 && sw === 1 && outWidth === inWidth) writeUnitStridePatches(x, patches, geometry);
  else writePatches(x, patches, geometry);
  return engine().makeTensorFromTensorInfo(out) as Tensor2D;
}

interface PatchGeometry {
  readonly fh: number;
  readonly fw: number;
  readonly sh: number;
  readonly sw: number;
  readonly top: number;
  readonly left: number;
  readonly channels: number;
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** Output columns j whose input column `j*sw + q - left` lies inside the image: `[jLo, jHi)`. */
function insideColumns(q: number, { sw, left, inWidth, outWidth }: PatchGeometry): [number, number] {
  const jLo = Math.min(outWidth, Math.max(0, Math.ceil((left - q) / sw)));
  const jHi = Math.max(jLo, Math.min(outWidth, Math.floor((inWidth - 1 + left - q) / sw) + 1));
  return [jLo, jHi];
}

/** Any stride and padding, element by element. */
function writePatches(x: Float32Array, patches: Float32Array, g: PatchGeometry): void {
  const { fh, fw, sh, sw, top, left, channels, batch, inHeight, inWidth, outHeight, outWidth } = g;
  const columns = batch * outHeight * outWidth;
  const plane = batch * inHeight * inWidth;
  for (let q = 0; q < fw; q++) {
    const [jLo, jHi] = insideColumns(q, g);
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < fh; p++) {
        let o = ((p * fw + q) * channels + c) * columns;
        for (let n = 0; n < batch; n++) {
          const image = c * plane + n * inHeight * inWidth;
          for (let i = 0; i < outHeight; i++) {
            const h = i * sh + p - top;
            if (h < 0 || h >= inHeight) {
              patches.fill(0, o, o + outWidth);
              o += outWidth;
              continue;
            }
            const row = image + h * inWidth + q - left;
            let j = 0;
            for (; j < jLo; j++) patches[o++] = 0;
            for (; j < jHi; j++) patches[o++] = x[row + j * sw]!;
            for (; j < outWidth; j++) patches[o++] = 0;
          }
        }
      }
    }
  }
}

/**
 * Stride 1 with as many output as input columns (every 'same' convolution of the seed CNN, HCN
 * and ST-GCN): output `(i, j)` of one image reads input `(i + p - top, j + q - left)`, a constant
 * offset in row-major order, so each image's inside rows are one `copyWithin` (a memmove) and
 * only the columns that fell off an edge, which picked up a neighbouring row's values, are zeroed.
 */
function writeUnitStridePatches(x: Float32Array, patches: Float32Array, g: PatchGeometry): void {
  const { fh, fw, top, left, channels, batch, inHeight, inWidth: width, outHeight } = g;
  const heap = new Float32Array(x.buffer);
  const xAt = x.byteOffset / 4;
  const patchesAt = patches.byteOffset / 4;
  const image = outHeight * width;
  const columns = batch * image;
  for (let p = 0; p < fh; p++) {
    const iLo = Math.min(outHeight, Math.max(0, top - p));
    const iHi = Math.max(iLo, Math.min(outHeight, inHeight + top - p));
    for (let q = 0; q < fw; q++) {
      const [jLo, jHi] = insideColumns(q, g);
      const shift = (p - top) * width + q - left;
      for (let c = 0; c < channels; c++) {
        const row = ((p * fw + q) * channels + c) * columns;
        for (let n = 0; n < batch; n++) {
          const o = row + n * image;
          patches.fill(0, o, o + iLo * width);
          patches.fill(0, o + iHi * width, o + image);
          if (iHi === iLo) continue;
          const first = o + iLo * width + jLo;
          const end = o + (iHi - 1) * width + jHi;
          const source = xAt + (c * batch + n) * inHeight * width + first - o + shift;
          if (end > first) heap.copyWithin(patchesAt + first, source, source + end - first);
          // One or two columns per row for 3x3 filters: plain stores, cheaper than fill() calls.
          for (let r = o + iLo * width; r < o + iHi * width; r += width) {
            for (let k = r; k < r + jLo; k++) patches[k] = 0;
            for (let k = r + jHi; k < r + width; k++) patches[k] = 0;
          }
        }
      }
    }
  }
}

/**
 * `Conv2DBackpropFilter` (the filter gradient of `conv2d`, missing in wasm) as one XNNPACK matrix
 * product: `dw[(p,q,c), o] = sum_{n,i,j} patches[(p,q,c), (n,i,j)] * dy[(n,i,j), o]`, with the
 * patch matrix written by {@link transposedPatches}, so the product's `[fh*fw*C, O]` is the filter
 * shape `[fh, fw, C, O]` as it stands. dy, the product's right operand, is the small one that
 * XNNPACK packs. On the seed CNN at batch 32 this takes 18 ms for the second layer where a
 * `conv2d` of x (channels as batch) with dy as the filter took 28 ms, and 4 ms instead of 15 for
 * the first (3 input channels). Shapes: x `[N,H,W,C]`, dy `[N,outH,outW,O]`, result
 * `attrs.filterShape` = `[fh,fw,C,O]`.
 */
export const conv2DBackpropFilterKernel: Omit<KernelConfig, 'backendName'> = {
  kernelName: Conv2DBackpropFilter,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const x = inputs['x'] as Tensor4D;
    const dy = inputs['dy'] as Tensor4D;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    const info = forwardConvInfo(x.shape, filterShape, strides, pad, dimRoundingMode, dataFormat, Conv2DBackpropFilter);
    return tidy((): Tensor => {
      const patches = transposedPatches(backend as BackendWasm, transpose(x, [3, 0, 1, 2]), info);
      const outputs = dy.shape[0] * dy.shape[1] * dy.shape[2];
      return reshape(matMul(patches, reshape(dy, [outputs, info.outChannels])), filterShape);
    });
  },
};
