import { backend_util, slice, type Tensor4D } from '@tensorflow/tfjs-core';

/** Padding that tfjs conv attributes accept: a mode, one number for all sides, or explicit. */
export type ConvPad = 'valid' | 'same' | number | backend_util.ExplicitPadding;

/** Pads (top, bottom, left, right) in the `[[0,0],[t,b],[l,r],[0,0]]` form that `conv2d` takes. */
export function explicitPadding(top: number, bottom: number, left: number, right: number): backend_util.ExplicitPadding {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

/** The geometry that the forward `conv2d` had, from the attributes its gradient kernels receive. */
export function forwardConvInfo(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: [number, number] | number,
  pad: ConvPad,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  dataFormat: 'NHWC' | 'NCHW',
  kernelName: string,
): backend_util.Conv2DInfo {
  if (dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} (skelnorm wasm kernel): dataFormat '${dataFormat}' is not supported; use 'NHWC'.`);
  }
  // tfjs's conv2d gradient asserts dilations of 1, so its gradient kernels carry none.
  return backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, dimRoundingMode);
}

/**
 * Makes `x` fit explicit spatial padding where some of the wanted pads may be negative: a
 * negative pad crops that many rows/columns instead. Returns the cropped tensor (or `x` itself)
 * and the remaining non-negative pads for `conv2d`.
 */
export function cropForNegativePads(
  x: Tensor4D,
  [top, bottom, left, right]: readonly [number, number, number, number],
): { x: Tensor4D; pad: backend_util.ExplicitPadding } {
  const [n, h, w, c] = x.shape;
  const cropTop = Math.max(0, -top);
  const cropBottom = Math.max(0, -bottom);
  const cropLeft = Math.max(0, -left);
  const cropRight = Math.max(0, -right);
  const pad = explicitPadding(Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right));
  if (cropTop + cropBottom + cropLeft + cropRight === 0) return { x, pad };
  const cropped = slice(x, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  return { x: cropped, pad };
}
