import {
  Conv2DBackpropFilter,
  conv2d,
  slice,
  tidy,
  transpose,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import { explicitPadding, forwardConvInfo } from './conv2d-geometry.js';

/**
 * `Conv2DBackpropFilter` (the filter gradient of `conv2d`) as one forward `conv2d`, for backends
 * that lack it (wasm) or run it slowly (cpu: ~88% of a seed-CNN training step).
 *
 * With stride s and padding (top, left) the forward pass is
 * `y[n,i,j,o] = sum_{p,q,c} x[n, i*s+p-top, j*s+q-left, c] * w[p,q,c,o]`, so
 * `dw[p,q,c,o] = sum_{n,i,j} x[n, p+i*s-top, q+j*s-left, c] * dy[n,i,j,o]`:
 * a correlation of x (channels as batch, batch as channels: `[C, H, W, N]`) with dy as the
 * filter (`[outH, outW, N, O]`), stride 1, dilation s, same top/left padding. Its output is
 * `[C, >=fh, >=fw, O]`; the first fh x fw positions are `dw` transposed. On wasm that conv2d is
 * XNNPACK's. Shapes: x `[N,H,W,C]`, dy `[N,outH,outW,O]`, result `attrs.filterShape` = `[fh,fw,C,O]`.
 */
export const conv2DBackpropFilterKernel: Omit<KernelConfig, 'backendName'> = {
  kernelName: Conv2DBackpropFilter,
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs['x'] as Tensor4D;
    const dy = inputs['dy'] as Tensor4D;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    const info = forwardConvInfo(x.shape, filterShape, strides, pad, dimRoundingMode, dataFormat, Conv2DBackpropFilter);
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const { outHeight, outWidth, inHeight, inWidth, inChannels, outChannels } = info;
    const { top, left } = info.padInfo;
    // Enough bottom/right padding that the output covers fh x fw; surplus rows are sliced off.
    const bottom = Math.max(0, fh - 1 + (outHeight - 1) * sh + 1 - inHeight - top);
    const right = Math.max(0, fw - 1 + (outWidth - 1) * sw + 1 - inWidth - left);
    return tidy(() => {
      const xT = transpose(x, [3, 1, 2, 0]);
      const dyT = transpose(dy, [1, 2, 0, 3]);
      const g = conv2d(xT, dyT, 1, explicitPadding(top, bottom, left, right), 'NHWC', [sh, sw]);
      const gCrop = g.shape[1] === fh && g.shape[2] === fw ? g : slice(g, [0, 0, 0, 0], [inChannels, fh, fw, outChannels]);
      return transpose(gCrop, [1, 2, 0, 3]);
    });
  },
};
