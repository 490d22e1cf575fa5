import {
  UnsortedSegmentSum,
  cast,
  equal,
  matMul,
  range,
  reshape,
  tidy,
  util,
  zeros,
  type KernelConfig,
  type Tensor,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';

/**
 * `UnsortedSegmentSum` (the gradient of `gather`, hence of embeddings) as one matMul; the wasm
 * backend has none.
 *
 * `out[k, ...] = sum_{i : ids[i] = k} x[i, ...]` is `S @ X` with the selector
 * `S[k, i] = (ids[i] == k)` (`[numSegments, n]`, the transposed one-hot of ids, built directly so
 * that the matMul needs no transposed operand) and X = x flattened to `[n, rest]`. Ids outside
 * `[0, numSegments)` match no row and are dropped, as in TensorFlow. Memory: the selector has
 * numSegments x n floats. int32 input is summed in float32 (exact up to 2^24).
 * Shapes: x `[...ids.shape, ...rest]`, ids any rank, result `[numSegments, ...rest]`.
 */
export const unsortedSegmentSumKernel: Omit<KernelConfig, 'backendName'> = {
  kernelName: UnsortedSegmentSum,
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs['x'] as Tensor;
    const segmentIds = inputs['segmentIds'] as Tensor;
    const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
    const n = util.sizeFromShape(segmentIds.shape);
    const rest = x.shape.slice(segmentIds.shape.length);
    const outShape = [numSegments, ...rest];
    return tidy(() => {
      if (n === 0 || util.sizeFromShape(rest) === 0) return zeros(outShape, x.dtype);
      const selector = cast(
        equal(reshape(range(0, numSegments, 1, 'int32'), [numSegments, 1]), reshape(cast(segmentIds, 'int32'), [1, n])),
        'float32',
      );
      const rows = reshape(cast(x, 'float32'), [n, util.sizeFromShape(rest)]);
      const sums = reshape(matMul(selector, rows), outShape);
      return x.dtype === 'float32' ? sums : cast(sums, x.dtype);
    });
  },
};
