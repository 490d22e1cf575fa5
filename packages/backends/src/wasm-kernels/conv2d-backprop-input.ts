import {
  Conv2DBackpropInput,
  conv2d,
  pad as padOp,
  reshape,
  reverse,
  tidy,
  transpose,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import { cropForNegativePads, forwardConvInfo } from './conv2d-geometry.js';

/**
 * Inserts s-1 zeros between neighbouring rows (and columns) of dy and s-1 after the last:
 * `[N, H, W, C]` -> `[N, H*sh, W*sw, C]` with `out[n, i*sh, j*sw, c] = dy[n, i, j, c]`.
 * A reshape, a pad and a reshape: no scatter, every step a native wasm kernel.
 */
function zeroDilate(dy: Tensor4D, sh: number, sw: number): Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = padOp(reshape(dy, [n, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return reshape(spread, [n, h * sh, w * sw, c]);
}

/**
 * `Conv2DBackpropInput` (the input gradient of `conv2d`, also `conv2dTranspose`) as one forward
 * `conv2d`; the wasm backend's own is a naive loop.
 *
 * `dx[n,h,w,c] = sum_{i,p: i*s+p-top = h} dy[n,i,j,o] * w[p,q,c,o]`: spread dy onto the stride
 * grid (zeros between, {@link zeroDilate}), then correlate with the filter flipped in space and
 * with in/out channels swapped (`[fh,fw,O,C]`), stride 1, padding fh-1-top on top and whatever
 * makes the output H rows at the bottom (likewise for columns); a negative pad crops.
 * Shapes: dy `[N,outH,outW,O]`, filter `[fh,fw,C,O]`, result `attrs.inputShape` = `[N,H,W,C]`.
 */
export const conv2DBackpropInputKernel: Omit<KernelConfig, 'backendName'> = {
  kernelName: Conv2DBackpropInput,
  kernelFunc: ({ inputs, attrs }) => {
    const dy = inputs['dy'] as Tensor4D;
    const filter = inputs['filter'] as Tensor4D;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    const info = forwardConvInfo(inputShape, filter.shape, strides, pad, dimRoundingMode, dataFormat, Conv2DBackpropInput);
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, inHeight, inWidth } = info;
    const { top, left } = info.padInfo;
    return tidy(() => {
      const spread = zeroDilate(dy, sh, sw);
      const padTop = fh - 1 - top;
      const padLeft = fw - 1 - left;
      // Output rows = spreadRows + padTop + padBottom - fh + 1 = inHeight.
      const padBottom = inHeight + fh - 1 - spread.shape[1] - padTop;
      const padRight = inWidth + fw - 1 - spread.shape[2] - padLeft;
      const fitted = cropForNegativePads(spread, [padTop, padBottom, padLeft, padRight]);
      const flipped = transpose(reverse(filter, [0, 1]), [0, 1, 3, 2]);
      return conv2d(fitted.x, flipped, 1, fitted.pad);
    });
  },
};
