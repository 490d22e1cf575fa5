import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, modelInfo, seedCnnFeatures, type SkeletonModel } from './index.js';
import { skeletonBatch, useBackend } from './test-support/tf.js';

beforeAll(() => useBackend());

// COCO-17 keypoints (0-based): 0 nose, 5/6 shoulders, 7/8 elbows, 9/10 wrists, 11/12 hips.
const V = 17;

async function logitsShape(model: SkeletonModel, frames: number): Promise<number[]> {
  model.eval();
  const x = skeletonBatch(2, 2, frames, V, 3, [[1, 1]]);
  const y = model.call(x);
  const shape = y.shape;
  expect(Array.from(await y.data()).every(Number.isFinite)).toBe(true);
  tf.dispose([x, y]);
  return shape;
}

function pytorchShapes(model: SkeletonModel): Record<string, number[]> {
  const dict = model.stateDict({ layout: 'pytorch' });
  const shapes = Object.fromEntries(Object.entries(dict).map(([k, t]) => [k, t.shape]));
  tf.dispose(Object.values(dict));
  return shapes;
}

describe('models on the coco17 layout', () => {
  it('every model that takes a layout lists it as an option, default ntu25', () => {
    for (const name of ['seed-cnn', 'hcn', 'stgcn', 'ctrgcn']) {
      const option = modelInfo(name).options.find((o) => o.name === 'layout');
      expect(option?.default, name).toBe('ntu25');
    }
  });

  it('seed-cnn maps [N, 2, T, 17, 3] to [N, K]; fc1 is 128 x 2 x 2 wide (T 16 -> 2, V 17 -> 8 -> 4 -> 2)', async () => {
    const model = createModel('seed-cnn', { layout: 'coco17', frames: 16, numClasses: 5 });
    expect(seedCnnFeatures(16, V)).toBe(128 * 2 * 2);
    expect(pytorchShapes(model)['fc1.0.weight']).toEqual([512, 512]);
    expect(await logitsShape(model, 16)).toEqual([2, 5]);
    model.dispose();
  });

  it('hcn maps [N, 2, T, 17, 3] to [N, K]; the 17 joints are conv3 input channels', async () => {
    const model = createModel('hcn', { layout: 'coco17', frames: 16, channels: 8, numClasses: 4 });
    expect(pytorchShapes(model)['conv3.0.weight']).toEqual([4, V, 3, 3]);
    expect(await logitsShape(model, 16)).toEqual([2, 4]);
    model.dispose();
    expect(() => createModel('hcn', { layout: 'coco17', joints: 25 })).toThrow(/joints 25 do not match layout 'coco17'/);
  });

  it("stgcn maps [N, 2, T, 17, 3] to [N, K] on the COCO graph's spatial partition", async () => {
    const model = createModel('stgcn', { layout: 'coco17', width: 'small', numClasses: 3 });
    const a = (model as unknown as { A: tf.Tensor }).A;
    expect(a.shape).toEqual([3, V, V]);
    const values = a.arraySync() as number[][][];
    // By hand: the nose (centre) has itself and 4 neighbours (eyes, shoulders): 1/5 each; a shoulder
    // is farther out (subset 1). The left shoulder 5 has itself, the nose, elbow 7 and hip 11: the
    // nose is nearer the centre (subset 2), 1/4.
    expect(values[0]![0]![0]).toBeCloseTo(1 / 5, 6);
    expect(values[1]![5]![0]).toBeCloseTo(1 / 5, 6);
    expect(values[2]![0]![5]).toBeCloseTo(1 / 4, 6);
    // Left wrist 9: itself and the elbow 7, both beyond max_hop 1 from the nose -> subset 1, 1/2.
    expect(values[0]![9]![9]).toBeCloseTo(1 / 2, 6);
    expect(values[1]![7]![9]).toBeCloseTo(1 / 2, 6);
    expect(values[1]![0]![9]).toBe(0);
    expect(await logitsShape(model, 16)).toEqual([2, 3]);
    model.dispose();
  });

  it("ctrgcn maps [N, 2, T, 17, 3] to [N, K] with the COCO tree's inward/outward graph", async () => {
    const model = createModel('ctrgcn', { layout: 'coco17', baseChannels: 8, numClasses: 3 });
    const dict = model.stateDict({ layout: 'pytorch' });
    const pa = dict['l1.gcn1.PA']!;
    expect(pa.shape).toEqual([3, V, V]);
    expect(dict['data_bn.weight']!.shape).toEqual([2 * V * 3]);
    const values = pa.arraySync() as number[][][];
    tf.dispose(Object.values(dict));
    // By hand: identity; the elbow 7 gathers from its one child, the wrist 9 (column 9 sums to 1);
    // outward, the left shoulder 5 has two children (elbow 7, hip 11): 1/2 each.
    expect(values[0]![9]![9]).toBe(1);
    expect(values[1]![7]![9]).toBe(1);
    expect(values[2]![7]![5]).toBeCloseTo(1 / 2, 6);
    expect(values[2]![11]![5]).toBeCloseTo(1 / 2, 6);
    expect(await logitsShape(model, 16)).toEqual([2, 3]);
    model.dispose();
  });
});
