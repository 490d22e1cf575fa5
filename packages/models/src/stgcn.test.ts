import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Generator, readSafetensors } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvTemporalGraphical, NTU_BONES, NTU_CENTER, NTU_STGCN_EDGES, StGcn, createModel, hopsToCenter, spatialPartition } from './index.js';
import { goldenDir, skeletonBatch, trainSteps, useBackend } from './test-support/tf.js';

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

  it("draws ST-GCN's edges: the data tree with each hand tip on the thumb, not the hand", () => {
    const differs = NTU_STGCN_EDGES.filter(([j, p], i) => NTU_BONES[i]![0] !== j || NTU_BONES[i]![1] !== p);
    // net/utils/graph.py, 1-based: (22, 23), (24, 25) -> left tip 21 on left thumb 22, right tip 23 on right thumb 24.
    expect(differs).toEqual([[21, 22], [23, 24]]);
    expect(hopsToCenter(V, NTU_STGCN_EDGES, NTU_CENTER)[21]).toBe(6);
    // The reference's hop distances stop at max_hop = 1.
    expect(hopsToCenter(V, NTU_STGCN_EDGES, NTU_CENTER, 1).filter(Number.isFinite)).toHaveLength(5);
  });

  it("equals the official Graph('ntu-rgb+d', 'spatial').A stored in the golden file", () => {
    const file = readSafetensors(readFileSync(join(goldenDir(), 'stgcn_official.safetensors')), 'stgcn_official.safetensors');
    const reference = file.tensors['initial.A']!;
    expect(reference.shape).toEqual([3, V, V]);
    const a = spatialPartition();
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - reference.data[i]!));
    expect(worst).toBeLessThan(1e-7);
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
    // A leaf (right foot 19): itself and its parent 18, nearer in truth, but both lie beyond max_hop = 1
    // ("inf >= inf" in the reference), so 18 counts as "not nearer": 1/2 each in subsets 0 and 1.
    expect([at(0, 19, 19), at(1, 18, 19), at(2, 18, 19)]).toEqual([0.5, 0.5, 0]);
    // By true distances (maxHop Infinity) 18 is nearer: subset 2.
    const byTrueHops = spatialPartition(V, NTU_BONES, NTU_CENTER, Infinity);
    expect(byTrueHops[2 * V * V + 18 * V + 19]).toBe(0.5);
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
    const paper = 2 * 75 // data_bn over V*C = 25*3
      + block(3, 64, 1, false) + 3 * block(64, 64, 1, true) + block(64, 128, 2, true) + 2 * block(128, 128, 1, true)
      + block(128, 256, 2, true) + 2 * block(256, 256, 1, true)
      + 10 * edge + (256 * 60 + 60);
    expect(paper).toBe(3_098_832);
    const small = 150 + block(3, 16, 1, false) + block(16, 16, 1, true) + block(16, 32, 2, true) + block(32, 32, 1, true)
      + block(32, 64, 2, true) + block(64, 64, 1, true) + 6 * edge + (64 * 60 + 60);
    expect(small).toBe(140_660);
    for (const [width, count] of [['paper', paper], ['small', small]] as const) {
      const model = new StGcn({ width });
      expect(model.numParameters(), width).toBe(count);
      model.dispose();
    }
    const perSlot = new StGcn({ width: 'small', dataNorm: 'MVC' });
    expect(perSlot.numParameters()).toBe(small + 150); // data_bn over M*V*C = 150 channels
    perSlot.dispose();
    const plain = new StGcn({ width: 'small', edgeImportance: false, norm: 'none', dataNorm: 'none' });
    expect(plain.numParameters()).toBe(small - 150 - 6 * edge - 2 * (2 * 16 + 2 * 16 + 3 * 32 + 2 * 32 + 3 * 64 + 2 * 64));
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

  it("data_bn 'VC' takes one mean over every person slot, absent persons' zeros included; 'MVC' one per slot", async () => {
    const [n, m, t, c] = [2, 2, 4, 3];
    const x = skeletonBatch(n, m, t, V, c, [[0, 1]]);
    const data = await x.data();
    // Hand calculation: batch mean of channel v*C + c over (N, M, T) for VC, over (N, T) per slot for MVC.
    const mean = (slots: number[], v: number, ci: number) => {
      let sum = 0;
      for (let ni = 0; ni < n; ni++) for (const mi of slots) for (let ti = 0; ti < t; ti++) sum += data[(((ni * m + mi) * t + ti) * V + v) * c + ci]!;
      return sum / (n * slots.length * t);
    };
    for (const dataNorm of ['VC', 'MVC'] as const) {
      const model = new StGcn({ width: 'small', dataNorm, dropout: 0 });
      tf.dispose(model.call(x)); // one training step: running_mean = 0.1 * batch mean
      const state = model.data_bn.stateDict();
      const running = await state['running_mean']!.data();
      tf.dispose(state);
      const expected = dataNorm === 'VC'
        ? Array.from({ length: V * c }, (_, i) => 0.1 * mean([0, 1], Math.floor(i / c), i % c))
        : Array.from({ length: m * V * c }, (_, i) => 0.1 * mean([Math.floor(i / (V * c))], Math.floor(i / c) % V, i % c));
      expect(running.length, dataNorm).toBe(expected.length);
      expected.forEach((e, i) => expect(running[i], `${dataNorm} channel ${i}`).toBeCloseTo(e, 6));
      model.dispose();
    }
    x.dispose();
  });

  it("takes any number of persons unless data_bn is per slot ('MVC')", () => {
    const x = skeletonBatch(1, 3, 4);
    const model = new StGcn({ width: 'small', numClasses: 5 }).eval();
    const y = model.call(x);
    expect(y.shape).toEqual([1, 5]);
    const perSlot = new StGcn({ width: 'small', dataNorm: 'MVC' });
    expect(() => perSlot.call(x)).toThrow(/stgcn: expected a skeleton batch \[N, 2, T, 25, 3\]/);
    tf.dispose([x, y]);
    model.dispose();
    perSlot.dispose();
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
