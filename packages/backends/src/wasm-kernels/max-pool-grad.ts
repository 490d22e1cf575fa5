import { backend_util, MaxPoolGrad, type KernelConfig, type MaxPoolGradAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels } from './simd/simd-kernels.js';

/**
 * `MaxPoolGrad` as a plain JavaScript loop over the wasm heap. Why not the wasm backend's own:
 * in tfjs-backend-wasm 4.22 it (a) loses the gradient of every window whose maximum is <= 0
 * (all-negative input, or an all-zero window after ReLU), (b) breaks ties differently from the
 * cpu backend and TensorFlow, and (c) is slow (~250 ms for the seed CNN's first pool, batch 64 x
 * 2 persons). Its MaxPoolWithArgmax has the same <= 0 bug, and the compositions of tfjs ops we
 * tried (argMax over window positions, masks) were slower still. This loop reads each window
 * once (~4 reads per output for 2x2 pools) and is the cpu backend's semantics exactly: the
 * gradient goes to the first strictly greatest element of the window in row-major order
 * (padding excluded, NaN never wins), and overlapping windows add up.
 * Shapes: dy `[N, outH, outW, C]`, input `[N, H, W, C]` (output unused), result `[N, H, W, C]`.
 */
export const maxPoolGradKernel: Omit<KernelConfig, 'backendName'> = {
  kernelName: MaxPoolGrad,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const dy = inputs['dy'] as TensorInfo;
    const input = inputs['input'] as TensorInfo;
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
    const { effectiveFilterHeight: filterHeight, effectiveFilterWidth: filterWidth } = info;
    const { top, left } = info.padInfo;
    const out = wasm.makeOutput(input.shape, 'float32');
    // Views after makeOutput: allocating may grow (and detach) the wasm memory.
    const dx = wasm.typedArrayFromHeap(out) as Float32Array;
    const x = wasm.typedArrayFromHeap(input) as Float32Array;
    const g = wasm.typedArrayFromHeap(dy) as Float32Array;
    if (filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && top === 0 && left === 0 && 2 * outHeight <= inHeight && 2 * outWidth <= inWidth) {
      const simd = channels % 4 === 0 ? simdKernels(wasm) : undefined;
      if (simd) {
        simd.maxPoolGrad2x2(x.byteOffset, g.byteOffset, dx.byteOffset, batchSize, inHeight, inWidth, channels, outHeight, outWidth);
        zeroUncovered(dx, batchSize, inHeight, inWidth, channels, outHeight, outWidth);
      } else pool2x2Gradient(x, g, dx, batchSize, inHeight, inWidth, channels, outHeight, outWidth);
      return out;
    }
    dx.fill(0);
    const xRowStride = inWidth * channels;
    const xBatchStride = inHeight * xRowStride;
    // Per window, all channels at once: the reads stream through contiguous channel runs.
    const best = new Float32Array(channels);
    const bestIndex = new Int32Array(channels);
    let gBase = 0;
    for (let b = 0; b < batchSize; b++) {
      const xBatch = b * xBatchStride;
      for (let yR = 0; yR < outHeight; yR++) {
        const rCorner = yR * strideHeight - top;
        const rMin = Math.max(0, rCorner);
        const rMax = Math.min(inHeight, rCorner + filterHeight);
        for (let yC = 0; yC < outWidth; yC++, gBase += channels) {
          const cCorner = yC * strideWidth - left;
          const cMin = Math.max(0, cCorner);
          const cMax = Math.min(inWidth, cCorner + filterWidth);
          best.fill(-Infinity);
          bestIndex.fill(-1);
          for (let r = rMin; r < rMax; r++) {
            for (let c = cMin; c < cMax; c++) {
              const base = xBatch + r * xRowStride + c * channels;
              for (let d = 0; d < channels; d++) {
                const v = x[base + d]!;
                if (v > best[d]!) {
                  best[d] = v;
                  bestIndex[d] = base + d;
                }
              }
            }
          }
          for (let d = 0; d < channels; d++) {
            const index = bestIndex[d]!;
            if (index >= 0) dx[index] = dx[index]! + g[gBase + d]!;
          }
        }
      }
    }
    return out;
  },
};

/**
 * The common 2x2, stride 2, unpadded pool (every pool of the seed CNN and HCN), unrolled: four
 * reads per output and channel and the same first-strictly-greatest rule, chosen without
 * branches (the winner among ReLU outputs is a coin toss that a branch predictor loses: 7.6 ms
 * for the seed CNN's first pool at batch 32 with `if`s, 4.4 ms this way). The candidates go
 * through a scratch array and the index moves by arithmetic on comparison bits. A window whose
 * winner would be NaN or -Infinity (NaN first, or nothing above -Infinity) takes the general
 * rule: NaN never wins, and a window with nothing above -Infinity passes no gradient. All four
 * gradient positions are written, so dx needs zeroing only where no window reaches (odd sizes).
 */
function pool2x2Gradient(
  x: Float32Array, g: Float32Array, dx: Float32Array,
  batchSize: number, inHeight: number, inWidth: number, channels: number, outHeight: number, outWidth: number,
): void {
  const rowStride = inWidth * channels;
  const imageStride = inHeight * rowStride;
  const offsets = new Int32Array([0, channels, rowStride, rowStride + channels]);
  const candidates = new Float64Array(4);
  let gIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    const image = b * imageStride;
    for (let yR = 0; yR < outHeight; yR++) {
      const row = image + 2 * yR * rowStride;
      for (let yC = 0; yC < outWidth; yC++) {
        const topLeft = row + 2 * yC * channels;
        for (let d = 0; d < channels; d++, gIndex++) {
          const i00 = topLeft + d;
          const i01 = i00 + channels;
          const i10 = i00 + rowStride;
          const i11 = i10 + channels;
          const v00 = x[i00]!;
          const v01 = x[i01]!;
          const v10 = x[i10]!;
          const v11 = x[i11]!;
          candidates[0] = v00;
          candidates[1] = v01;
          candidates[2] = v10;
          candidates[3] = v11;
          let at = +(v01 > v00);
          at += +(v10 > candidates[at]!) * (2 - at);
          at += +(v11 > candidates[at]!) * (3 - at);
          dx[i00] = 0;
          dx[i01] = 0;
          dx[i10] = 0;
          dx[i11] = 0;
          if (candidates[at]! > -Infinity) dx[i00 + offsets[at]!] = g[gIndex]!;
          else {
            let best = -Infinity;
            let winner = -1;
            for (let k = 0; k < 4; k++) {
              if (candidates[k]! > best) {
                best = candidates[k]!;
                winner = k;
              }
            }
            if (winner >= 0) dx[i00 + offsets[winner]!] = g[gIndex]!;
          }
        }
      }
    }
  }
  zeroUncovered(dx, batchSize, inHeight, inWidth, channels, outHeight, outWidth);
}

/** Zeroes what no 2x2/2 window reaches: the last column of an odd width, the last row of an odd height. */
function zeroUncovered(dx: Float32Array, batchSize: number, inHeight: number, inWidth: number, channels: number, outHeight: number, outWidth: number): void {
  const rowStride = inWidth * channels;
  const imageStride = inHeight * rowStride;
  for (let b = 0; b < batchSize; b++) {
    const image = b * imageStride;
    if (2 * outWidth < inWidth) {
      for (let r = 0; r < 2 * outHeight; r++) dx.fill(0, image + r * rowStride + 2 * outWidth * channels, image + (r + 1) * rowStride);
    }
    dx.fill(0, image + 2 * outHeight * rowStride, image + imageStride);
  }
}
