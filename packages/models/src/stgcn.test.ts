import * as tf from '@tensorflow/tfjs-core';
import { Generator } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvTemporalGraphical, NTU_BONES, NTU_CENTER, StGcn, createModel, hopsToCenter, spatialPartition } from './index.js';
import { skeletonBatch, trainSteps, useBackend } from './test-support/tf.js';

beforeAll(() => useBackend());

const V = 25;

describe('NTU graph and spatial partition', () => {
  it('has 24 bones, a tree rooted at the spine shoulder', () => {
    expect(NTU_BONES).toHaveLength(24);
    const hops = hopsToCenter(V, NTU_BONES, NTU_CENTER);
    expect(hops.every(Number.isFinite)).toBe(true);
    // spine shoulder 20 -> spine mid 1 -> spine base 0 -> right hip 16 -> knee 17 -> ankle 18 -> foot 19
    expect([hops[20], hops[1], hops[0], hops[16], hops[19]]).toEqual([0, 1, 2, 3, 6]);
    // hand tips hang off the hands: 20 -> 4 -> 5 -> 6 -> 7 -> 21
    expect(hops[21]).toBe(5);
  });

  it('splits each neighbourhood into self, farther and nearer joints, columns summing to 1', () => {
    const a = spatialPartition();
    const at = (k: number, from: number, to: number) => a[k * V * V + from * V + to]!;
    for (let to = 0; to < V; to++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) for (let from = 0; from < V; from++) sum += at(k, from, to);
      expect(sum).toBeCloseTo(1, 6);
    }
    // Joint 1 (spine mid): neighbours 0 (farther from the centre) and 20 (nearer) plus itself: 1/3 each.
    expect([at(0, 1, 1), at(1, 0, 1), at(2, 20, 1)].map((x) => x.toFixed(6))).toEqual(Array(3).fill((1 / 3).toFixed(6)));
    expect(at(1, 20, 1)).toBe(0);
    // The centre (20) has neighbours 1, 2, 4, 8, all farther: 1/5 each in subset 1, nothing nearer.
    for (const j of [1, 2, 4, 8]) expect(at(1, j, 20)).toBeCloseTo(0.2, 6);
    for (let j = 0; j < V; j++) expect(at(2, j, 20)).toBe(0);
    // A leaf (right foot 19): itself and its parent 18 (nearer): 1/2 each.
    expect([at(0, 19, 19), at(2, 18, 19)]).toEqual([0.5, 0.5]);
  });
});

describe('ConvTemporalGraphical', () => {
  it('equals einsum("nkctv,kvw->nctw") of the 1x1 conv output, computed by loops', async () => {
    const [n, t, cin, cout, k, v] = [2, 3, 2, 3, 3, 4];
    const aData = Float32Array.from({ length: k * v * v }, (_, i) => Math.sin(i + 1));
    const a = tf.tensor3d(aData, [k, v, v]);
    const gcn = new ConvTemporalGraphical(cin, cout, k, () => a, new Generator(1));
    const x = tf.tensor4d(Float32Array.from({ length: n * t * v * cin }, (_, i) => Math.cos(i * 0.7)), [n, t, v, cin]);
    const y = await gcn.call(x).data();
    const conv = await gcn.conv.call(x).data(); // [n, t, v, k*cout], channel k*cout + c as PyTorch's view
    for (let ni = 0; ni < n; ni++) for (let ti = 0; ti < t; ti++) for (let w = 0; w < v; w++) for (let c = 0; c < cout; c++) {
      let sum = 0;
      for (let ki = 0; ki < k; ki++) for (let vi = 0; vi < v; vi++) {
        sum += conv[((ni * t + ti) * v + vi) * k * cout + ki * cout + c]! * aData[(ki * v + vi) * v + w]!;
      }
      expect(y[((ni * t + ti) * v + w) * cout + c]).toBeCloseTo(sum, 5);
    }
    tf.dispose([a, x]);
    gcn.dispose();
  });
});

describe('stgcn', () => {
  /** Parameters of one st_gcn block in net/st_gcn.py with BatchNorm. */
  const block = (i: number, o: number, stride: number, residual: boolean) => {
    const gcn = i * o * 3 + o * 3; // Conv2d(i, 3o, 1)
    const tcn = 2 * o + (o * o * 9 + o) + 2 * o; // BN, Conv2d(o, o, (9, 1)), BN
    const res = residual && (i !== o || stride !== 1) ? i * o + o + 2 * o : 0; // Conv2d 1x1 + BN
    return gcn + tcn + res;
  };
  const edge = 3 * V * V;

  it('counts the parameters of net/st_gcn.py (paper width) and of the small preset', () => {
    const paper = 2 * 150 // data_bn over M*V*C = 2*25*3
      + block(3, 64, 1, false) + 3 * block(64, 64, 1, true) + block(64, 128, 2, true) + 2 * block(128, 128, 1, true)
      + block(128, 256, 2, true) + 2 * block(256, 256, 1, true)
      + 10 * edge + (256 * 60 + 60);
    expect(paper).toBe(3_098_982);
    const small = 300 + block(3, 16, 1, false) + block(16, 16, 1, true) + block(16, 32, 2, true) + block(32, 32, 1, true)
      + block(32, 64, 2, true) + block(64, 64, 1, true) + 6 * edge + (64 * 60 + 60);
    expect(small).toBe(140_810);
    for (const [width, count] of [['paper', paper], ['small', small]] as const) {
      const model = new StGcn({ width });
      expect(model.numParameters(), width).toBe(count);
      model.dispose();
    }
    const plain = new StGcn({ width: 'small', edgeImportance: false, norm: 'none', dataNorm: false });
    expect(plain.numParameters()).toBe(small - 300 - 6 * edge - 2 * (2 * 16 + 2 * 16 + 3 * 32 + 2 * 32 + 3 * 64 + 2 * 64));
    plain.dispose();
  });

  it('has the reference\'s state-dict names', () => {
    const model = new StGcn();
    const keys = Object.keys(Object.fromEntries(model.namedParameters().concat(model.namedBuffers())));
    for (const key of [
      'A', 'data_bn.weight', 'data_bn.running_mean', 'data_bn.num_batches_tracked',
      'st_gcn_networks.0.gcn.conv.weight', 'st_gcn_networks.0.tcn.0.weight', 'st_gcn_networks.0.tcn.2.weight',
      'st_gcn_networks.0.tcn.3.running_var', 'st_gcn_networks.4.residual.0.weight', 'st_gcn_networks.4.residual.1.bias',
      'edge_importance.0', 'edge_importance.9', 'fcn.weight', 'fcn.bias',
    ]) expect(keys, key).toContain(key);
    expect(keys.some((k) => k.startsWith('st_gcn_networks.0.residual'))).toBe(false);
    expect(keys.some((k) => k.startsWith('st_gcn_networks.1.residual'))).toBe(false);
    const dict = model.stateDict({ layout: 'pytorch' });
    expect(dict['st_gcn_networks.1.gcn.conv.weight']?.shape).toEqual([192, 64, 1, 1]);
    expect(dict['st_gcn_networks.4.tcn.2.weight']?.shape).toEqual([128, 128, 9, 1]);
    expect(dict['fcn.weight']?.shape).toEqual([60, 256, 1, 1]);
    expect(dict['A']?.shape).toEqual([3, 25, 25]);
    tf.dispose(dict);
    model.dispose();
  });

  it('maps [N, M, T, 25, 3] to [N, classes] for any T, every norm', () => {
    const x = skeletonBatch(2, 2, 12, 25, 3, [[0, 1]]);
    for (const norm of ['batch', 'none', 'group', 'layer', 'frozen', 'masked-batch'] as const) {
      const model = new StGcn({ width: 'small', norm, numClasses: 6 });
      for (const training of [true, false]) {
        model.train(training);
        const y = tf.tidy(() => model.call(x));
        expect(y.shape, norm).toEqual([2, 6]);
        y.dispose();
      }
      model.dispose();
    }
    x.dispose();
  });

  it('one Adam step lowers the loss on a fixed batch (small width)', async () => {
    const model = createModel('stgcn', { width: 'small', numClasses: 4, dropout: 0 });
    const x = skeletonBatch(4, 2, 8, 25, 3, [[1, 1]]);
    const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
    const [before, after] = await trainSteps(model, x, labels, 1, 1e-3);
    expect(after).toBeLessThan(before);
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('state dict round trip gives the same eval outputs', async () => {
    const x = skeletonBatch(2, 2, 8);
    const a = new StGcn({ width: 'small', seed: 1 });
    tf.tidy(() => a.call(x)); // running statistics away from init
    a.eval();
    const b = new StGcn({ width: 'small', seed: 2 }).eval();
    const dict = a.stateDict({ layout: 'pytorch' });
    b.loadStateDict(dict, { layout: 'pytorch' });
    tf.dispose(dict);
    const [ya, yb] = [tf.tidy(() => a.call(x)), tf.tidy(() => b.call(x))];
    expect(Array.from(await ya.data())).toEqual(Array.from(await yb.data()));
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });
});
