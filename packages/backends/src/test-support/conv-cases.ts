import { backend_util } from '@tensorflow/tfjs-core';

/** A conv2d forward configuration whose gradients the kernel tests compare on cpu and wasm. */
export interface ConvCase {
  readonly name: string;
  readonly xShape: [number, number, number, number];
  readonly filterShape: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export const CONV_CASES: readonly ConvCase[] = [
  { name: '3x3 same stride 1', xShape: [2, 5, 5, 3], filterShape: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3x3 same stride 2, odd/even sizes', xShape: [2, 6, 7, 2], filterShape: [3, 3, 2, 3], strides: 2, pad: 'same' },
  { name: '2x3 valid stride [2,1]', xShape: [1, 7, 6, 3], filterShape: [2, 3, 3, 2], strides: [2, 1], pad: 'valid' },
  { name: '3x2 valid stride 3 (unused rows)', xShape: [3, 9, 8, 2], filterShape: [3, 2, 2, 5], strides: 3, pad: 'valid' },
  { name: '4x4 same stride 2 (asymmetric same pad)', xShape: [2, 8, 9, 2], filterShape: [4, 4, 2, 3], strides: 2, pad: 'same' },
  { name: 'explicit pad stride 2', xShape: [2, 7, 6, 2], filterShape: [3, 3, 2, 3], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { name: 'explicit pad wider than the filter', xShape: [1, 5, 5, 2], filterShape: [2, 2, 2, 2], strides: 1, pad: [[0, 0], [3, 0], [0, 3], [0, 0]] },
  { name: 'numeric pad 1', xShape: [2, 6, 6, 3], filterShape: [3, 3, 3, 2], strides: 1, pad: 1 },
  { name: 'numeric pad, stride 2, ceil rounding', xShape: [1, 8, 7, 2], filterShape: [3, 3, 2, 2], strides: 2, pad: 1, dimRoundingMode: 'ceil' },
  { name: '1x1 valid stride 2', xShape: [2, 7, 7, 4], filterShape: [1, 1, 4, 3], strides: 2, pad: 'valid' },
  { name: '5x5 same stride 1 (two padded rows and columns each side)', xShape: [2, 6, 5, 3], filterShape: [5, 5, 3, 2], strides: 1, pad: 'same' },
  { name: '5x5 same on a 4x3 image (filter wider than the image)', xShape: [2, 4, 3, 2], filterShape: [5, 5, 2, 2], strides: 1, pad: 'same' },
  { name: '9x1 same stride 1 (ST-GCN temporal)', xShape: [2, 12, 4, 3], filterShape: [9, 1, 3, 2], strides: 1, pad: 'same' },
  { name: 'explicit one-sided pads keeping the size', xShape: [2, 5, 6, 2], filterShape: [3, 3, 2, 3], strides: 1, pad: [[0, 0], [0, 2], [2, 0], [0, 0]] },
  { name: 'seed CNN first layer (small batch)', xShape: [4, 16, 25, 3], filterShape: [3, 3, 3, 8], strides: 1, pad: 'same' },
];

/** The forward output shape `[N, outH, outW, O]` of a case. */
export function convOutShape(c: ConvCase): [number, number, number, number] {
  const info = backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad, c.dimRoundingMode);
  return info.outShape;
}
