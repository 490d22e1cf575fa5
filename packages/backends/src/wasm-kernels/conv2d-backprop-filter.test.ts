import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCpuAndWasm, maxScaledError, pseudoRandom, runOn } from '../test-support/backends.js';
import { CONV_CASES, convOutShape } from '../test-support/conv-cases.js';

beforeAll(loadCpuAndWasm);

describe('Conv2DBackpropFilter on wasm (transposed patches times dy)', () => {
  it('is registered for wasm, which has none of its own', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it.each(CONV_CASES)('matches cpu: $name', async (c) => {
    const dyShape = convOutShape(c);
    const xValues = pseudoRandom(tf.util.sizeFromShape(c.xShape), 1);
    const dyValues = pseudoRandom(tf.util.sizeFromShape(dyShape), 2);
    const compute = () =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x: tf.tensor4d(xValues, c.xShape), dy: tf.tensor4d(dyValues, dyShape) },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, filterShape: c.filterShape } as never,
      ) as tf.Tensor;
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expect(actual.shape).toEqual(c.filterShape);
    expect(maxScaledError(actual.values, expected.values)).toBeLessThanOrEqual(1e-4);
  });
});
