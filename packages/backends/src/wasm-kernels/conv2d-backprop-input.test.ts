import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCpuAndWasm, maxScaledError, pseudoRandom, runOn } from '../test-support/backends.js';
import { CONV_CASES, convOutShape } from '../test-support/conv-cases.js';

beforeAll(loadCpuAndWasm);

describe('Conv2DBackpropInput on wasm (conv2d over the zero-dilated output gradient)', () => {
  it.each(CONV_CASES)('matches cpu: $name', async (c) => {
    const dyShape = convOutShape(c);
    const filterValues = pseudoRandom(tf.util.sizeFromShape(c.filterShape), 3);
    const dyValues = pseudoRandom(tf.util.sizeFromShape(dyShape), 4);
    const compute = () =>
      tf.engine().runKernel(
        'Conv2DBackpropInput',
        { dy: tf.tensor4d(dyValues, dyShape), filter: tf.tensor4d(filterValues, c.filterShape) },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, inputShape: c.xShape } as never,
      ) as tf.Tensor;
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(actual.shape).toEqual(c.xShape);
    expect(maxScaledError(actual.values, expected.values)).toBeLessThanOrEqual(1e-4);
  });

  it('serves tf.conv2dTranspose too', async () => {
    const compute = () =>
      tf.conv2dTranspose(tf.tensor4d(pseudoRandom(2 * 4 * 4 * 3, 5), [2, 4, 4, 3]), tf.tensor4d(pseudoRandom(3 * 3 * 2 * 3, 6), [3, 3, 2, 3]), [2, 8, 8, 2], 2, 'same');
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(maxScaledError(actual.values, expected.values)).toBeLessThanOrEqual(1e-4);
  });
});
