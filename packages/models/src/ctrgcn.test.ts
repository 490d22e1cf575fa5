import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Generator, readSafetensors, skeletonBatchFromTorch, type SafetensorsFile } from '@skelnorm/nn';
import { setupBackend } from '@skelnorm/backends';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CtrGcn,
  Ctrgc,
  TemporalMaxPool,
  createModel,
  ctrgcnSpatialGraph,
  dilatedTemporalConv,
  everyNthFrame,
  exportTorchCheckpoint,
  loadTorchCheckpoint,
  modelFromCheckpoint,
  NTU_BONES,
} from './index.js';
import { goldenDir, skeletonBatch, toleranceRatio, trainSteps, useBackend } from './test-support/tf.js';

beforeAll(() => useBackend());

const V = 25;
const GOLDEN = 'ctrgcn_official.safetensors';
let golden: { bytes: Buffer; file: SafetensorsFile } | undefined;
/** The official model's file (see ../shared/golden/README.md), read once. */
function official(): { bytes: Buffer; file: SafetensorsFile } {
  if (!golden) {
    const bytes = readFileSync(join(goldenDir(), GOLDEN));
    golden = { bytes, file: readSafetensors(bytes, GOLDEN) };
  }
  return golden;
}

function seq(n: number, scale = 0.37): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * scale + 0.3));
}

describe('CTR-GCN spatial graph', () => {
  it('is identity, inward and outward with normalized columns', () => {
    const a = ctrgcnSpatialGraph();
    const at = (k: number, u: number, v: number) => a[(k * V + u) * V + v]!;
    for (let u = 0; u < V; u++) for (let v = 0; v < V; v++) expect(at(0, u, v)).toBe(u === v ? 1 : 0);
    // Inward: the spine shoulder (20) gathers from 1, 2, 4, 8, each of whose columns holds one
    // entry: 1.
    for (const child of [1, 2, 4, 8]) expect(at(1, 20, child)).toBe(1);
    // Outward: the spine shoulder's column spreads over its 4 children (1/4 each); the root has no parent.
    for (const child of [1, 2, 4, 8]) expect(at(2, child, 20)).toBe(0.25);
    for (let u = 0; u < V; u++) expect(at(1, u, 20)).toBe(0);
    // Every column of inward and outward sums to 1 or (no edge) 0.
    for (const k of [1, 2]) for (let v = 0; v < V; v++) {
      let sum = 0;
      for (let u = 0; u < V; u++) sum += at(k, u, v);
      expect([0, 1]).toContain(Number(sum.toFixed(6)));
    }
  });

  it('equals the official graph (the file\'s initial PA); the data package tree differs only at the hands', () => {
    const pa = official().file.tensors['initial.l1.gcn1.PA']!;
    expect(pa.shape).toEqual([3, V, V]);
    expect(Array.from(ctrgcnSpatialGraph())).toEqual(Array.from(pa.data));
    // The tree of the data package hangs both hand tips and thumbs off the hands; the reference
    // chains tip - thumb - hand. Only entries between those joints change.
    const tree = ctrgcnSpatialGraph(V, NTU_BONES);
    const hands = new Set([7, 11, 21, 22, 23, 24]);
    let differing = 0;
    for (let i = 0; i < tree.length; i++) {
      if (tree[i] === pa.data[i]) continue;
      differing++;
      const [u, v] = [Math.floor(i / V) % V, i % V];
      expect(hands.has(u) && hands.has(v), `[${Math.floor(i / (V * V))}, ${u}, ${v}]`).toBe(true);
    }
    expect(differing).toBeGreaterThan(0);
  });
});

describe('CTR-GCN temporal pieces', () => {
  /** PyTorch's Conv2d((k, 1), stride (s, 1), padding (d(k-1)/2, 0), dilation (d, 1)) by loops. */
  function temporalConvLoops(x: Float32Array, w: Float32Array, b: Float32Array, [n, t, v, ci, co]: [number, number, number, number, number], k: number, s: number, d: number) {
    const pad = (d * (k - 1)) / 2;
    const frames = Math.floor((t + 2 * pad - d * (k - 1) - 1) / s) + 1;
    const out = new Float32Array(n * frames * v * co);
    for (let ni = 0; ni < n; ni++) for (let ti = 0; ti < frames; ti++) for (let vi = 0; vi < v; vi++) for (let o = 0; o < co; o++) {
      let sum = b[o]!;
      for (let j = 0; j < k; j++) {
        const src = ti * s - pad + j * d;
        if (src < 0 || src >= t) continue;
        for (let i = 0; i < ci; i++) sum += x[((ni * t + src) * v + vi) * ci + i]! * w[(j * ci + i) * co + o]!; // w [k, 1, ci, co]
      }
      out[((ni * frames + ti) * v + vi) * co + o] = sum;
    }
    return { out, frames };
  }

  it('dilatedTemporalConv + everyNthFrame equal the dilated, strided conv (even and odd T)', async () => {
    for (const [t, k, d, s] of [[8, 5, 2, 1], [9, 5, 2, 2], [11, 3, 3, 1], [10, 5, 2, 2], [7, 3, 4, 3]] as const) {
      const [n, v, ci, co] = [2, 3, 2, 3];
      const conv = new Conv2d({ inChannels: ci, outChannels: co, kernelSize: [k, 1], generator: new Generator(t) });
      const xData = seq(n * t * v * ci);
      const x = tf.tensor4d(xData, [n, t, v, ci]);
      const y = tf.tidy(() => everyNthFrame(dilatedTemporalConv(x, conv, k, d), s));
      const { out, frames } = temporalConvLoops(xData, await conv.weight.data() as Float32Array, await conv.bias!.data() as Float32Array, [n, t, v, ci, co], k, s, d);
      expect(y.shape, `T ${t} k ${k} d ${d} s ${s}`).toEqual([n, frames, v, co]);
      expect(toleranceRatio(await y.data(), out), `T ${t} k ${k} d ${d} s ${s}`).toBeLessThanOrEqual(1);
      tf.dispose([x, y]);
      conv.dispose();
    }
  });

  it('TemporalMaxPool pads as PyTorch (padding never wins), stride 1 and 2', async () => {
    const [n, v, c] = [1, 2, 2];
    for (const [t, s] of [[6, 1], [6, 2], [7, 2]] as const) {
      // Negative values: a zero padding would win where -inf must not.
      const data = seq(n * t * v * c).map((x) => x - 2);
      const y = tf.tidy(() => new TemporalMaxPool(s).call(tf.tensor4d(data, [n, t, v, c])));
      const frames = Math.floor((t + 2 - 3) / s) + 1;
      const want: number[] = [];
      for (let f = 0; f < frames; f++) for (let vi = 0; vi < v; vi++) for (let ci = 0; ci < c; ci++) {
        let best = -Infinity;
        for (let j = f * s - 1; j <= f * s + 1; j++) if (j >= 0 && j < t) best = Math.max(best, data[(j * v + vi) * c + ci]!);
        want.push(best);
      }
      expect(y.shape).toEqual([n, frames, v, c]);
      expect(Array.from(await y.data())).toEqual(want.map(Math.fround));
      y.dispose();
    }
  });
});

describe('Ctrgc', () => {
  it('computes the reference\'s formula (conv1..conv4, tanh, alpha, A, einsum ncuv,nctv->nctu) by loops', async () => {
    const [n, t, v, ci, co] = [2, 3, 4, 3, 5];
    const aData = seq(v * v, 0.9);
    const a = tf.tensor2d(aData, [v, v]);
    const alpha = tf.tensor1d([0.7]);
    const gcn = new Ctrgc(ci, co, { adjacency: () => a, alpha: () => alpha }, new Generator(3));
    const r = gcn.relChannels;
    expect(r).toBe(8);
    const xData = seq(n * t * v * ci, 0.61);
    const x = tf.tensor4d(xData, [n, t, v, ci]);
    const y = await tf.tidy(() => gcn.call(x)).data();
    const [w1, b1, w2, b2, w3, b3, w4, b4] = await Promise.all(
      [gcn.conv1, gcn.conv2, gcn.conv3, gcn.conv4].flatMap((c) => [c.weight.data(), c.bias!.data()]),
    ) as Float32Array[];
    // A 1x1 conv at one position; w is [1, 1, in, out].
    const pointwise = (w: Float32Array, b: Float32Array, input: number[], cout: number) =>
      Array.from({ length: cout }, (_, o) => input.reduce((s, xi, i) => s + xi * w[i * cout + o]!, b[o]!));
    const xAt = (ni: number, ti: number, vi: number) => Array.from(xData.subarray(((ni * t + ti) * v + vi) * ci, ((ni * t + ti) * v + vi + 1) * ci));
    for (let ni = 0; ni < n; ni++) {
      // conv1, conv2 then the mean over T, as the reference orders them.
      const q: number[][] = [];
      const k: number[][] = [];
      for (let vi = 0; vi < v; vi++) {
        const qs = new Array<number>(r).fill(0);
        const ks = new Array<number>(r).fill(0);
        for (let ti = 0; ti < t; ti++) {
          pointwise(w1!, b1!, xAt(ni, ti, vi), r).forEach((val, j) => (qs[j]! += val / t));
          pointwise(w2!, b2!, xAt(ni, ti, vi), r).forEach((val, j) => (ks[j]! += val / t));
        }
        q.push(qs);
        k.push(ks);
      }
      for (let ti = 0; ti < t; ti++) for (let u = 0; u < v; u++) for (let c = 0; c < co; c++) {
        let sum = 0;
        for (let vi = 0; vi < v; vi++) {
          const rel = pointwise(w4!, b4!, q[u]!.map((qu, j) => Math.tanh(qu - k[vi]![j]!)), co)[c]!;
          const x3 = pointwise(w3!, b3!, xAt(ni, ti, vi), co)[c]!;
          sum += (rel * 0.7 + aData[u * v + vi]!) * x3;
        }
        expect(y[((ni * t + ti) * v + u) * co + c]).toBeCloseTo(sum, 4);
      }
    }
    tf.dispose([a, alpha, x]);
    gcn.dispose();
  });
});

describe('ctrgcn', () => {
  /** Parameters of the reference's blocks, from its __init__ (K = 3 subsets, V = 25). */
  const ctrgc = (i: number, o: number) => {
    const r = i === 3 || i === 9 ? 8 : Math.floor(i / 8);
    return 2 * (i * r + r) + (i * o + o) + (r * o + o);
  };
  const gcn = (i: number, o: number) => 3 * ctrgc(i, o) + 3 * V * V + 1 + 2 * o + (i !== o ? i * o + o + 2 * o : 0);
  const tcn = (o: number) => {
    const w = o / 4;
    return 4 * (o * w + w + 2 * w) + 2 * (w * w * 5 + w + 2 * w) + 2 * w;
  };
  const block = (i: number, o: number, stride: number, residual: boolean) =>
    gcn(i, o) + tcn(o) + (residual && (i !== o || stride !== 1) ? i * o + o + 2 * o : 0);

  it('counts the parameters of model/ctrgcn.py: 1,446,672 at the defaults', () => {
    const total = 2 * 150 + block(3, 64, 1, false) + 3 * block(64, 64, 1, true) + block(64, 128, 2, true)
      + 2 * block(128, 128, 1, true) + block(128, 256, 2, true) + 2 * block(256, 256, 1, true) + 256 * 60 + 60;
    expect(total).toBe(1_446_672);
    const model = createModel('ctrgcn');
    expect(model.numParameters()).toBe(total);
    model.dispose();
    const small = new CtrGcn({ baseChannels: 16, numClasses: 6, adaptive: false });
    expect(small.numParameters()).toBe(300 + block(3, 16, 1, false) + 3 * block(16, 16, 1, true) + block(16, 32, 2, true)
      + 2 * block(32, 32, 1, true) + block(32, 64, 2, true) + 2 * block(64, 64, 1, true) + 64 * 6 + 6 - 10 * 3 * V * V);
    small.dispose();
  });

  it('has exactly the official state-dict keys, in order, with PyTorch shapes', () => {
    const { file } = official();
    const initial = Object.keys(file.tensors).filter((k) => k.startsWith('initial.')).map((k) => k.slice('initial.'.length));
    const model = new CtrGcn();
    const dict = model.stateDict({ layout: 'pytorch' });
    expect(Object.keys(dict)).toEqual(initial);
    for (const key of initial) expect(dict[key]!.shape, key).toEqual(file.tensors[`initial.${key}`]!.shape);
    tf.dispose(dict);
    model.dispose();
  });

  it('initializes as the reference: alpha 0, PA the graph, gcn bn 1e-6, fan-out normal convs, zero conv biases', async () => {
    const model = new CtrGcn({ seed: 4 });
    const p = Object.fromEntries([...model.namedParameters()]);
    expect(Array.from(await p['l3.gcn1.alpha']!.data())).toEqual([0]);
    expect(Array.from(await p['l3.gcn1.PA']!.data())).toEqual(Array.from(ctrgcnSpatialGraph()));
    expect(Array.from(await p['l3.gcn1.bn.weight']!.data())).toEqual(new Array(64).fill(Math.fround(1e-6)));
    expect(Array.from(await p['l3.gcn1.convs.1.conv3.bias']!.data()).every((b) => b === 0)).toBe(true);
    // conv3 of a 64 -> 64 CTRGC: fan_out 64, std sqrt(2/64) = 0.177 over 4,096 draws.
    const w = Array.from(await p['l3.gcn1.convs.1.conv3.weight']!.data());
    const mean = w.reduce((s, x) => s + x, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeGreaterThan(0.17);
    expect(std).toBeLessThan(0.185);
    const tcnScale = Array.from(await p['l3.tcn1.branches.0.1.weight']!.data());
    expect(tcnScale.every((s) => Math.abs(s - 1) < 0.1) && tcnScale.some((s) => s !== 1)).toBe(true);
    model.dispose();
  });

  it('maps [N, M, T, 25, 3] to [N, classes] for any T, every norm, adaptive or not', () => {
    const x = skeletonBatch(2, 2, 9, V, 3, [[0, 1]]);
    for (const norm of ['batch', 'none', 'group', 'layer', 'frozen', 'masked-batch'] as const) {
      for (const adaptive of [true, false]) {
        const model = new CtrGcn({ baseChannels: 8, norm, adaptive, numClasses: 5 });
        for (const training of [true, false]) {
          model.train(training);
          const y = tf.tidy(() => model.call(x));
          expect(y.shape, `${norm} adaptive ${adaptive}`).toEqual([2, 5]);
          expect(Array.from(y.dataSync()).every(Number.isFinite), norm).toBe(true);
          y.dispose();
        }
        model.dispose();
      }
    }
    expect(() => new CtrGcn({ baseChannels: 10 })).toThrow(/baseChannels must be a multiple of 4/);
    const model = new CtrGcn({ baseChannels: 8 });
    expect(() => model.call(tf.zeros([1, 2, 8, 24, 3]))).toThrow(/ctrgcn: expected a skeleton batch \[N, 2, T, 25, 3\]/);
    model.dispose();
    x.dispose();
  });

  it('updates BatchNorm statistics in training mode only; eval is deterministic; no tensors leak', async () => {
    const model = new CtrGcn({ baseChannels: 8, numClasses: 4 });
    const x = skeletonBatch(2, 2, 8);
    const buffers = () => Object.fromEntries(model.namedBuffers().map(([k, b]) => [k, Array.from(b.dataSync())]));
    const before = buffers();
    const count = tf.memory().numTensors;
    tf.tidy(() => model.call(x)).dispose();
    expect(tf.memory().numTensors).toBe(count);
    const trained = buffers();
    expect(trained['l1.gcn1.bn.num_batches_tracked']).toEqual([1]);
    expect(trained['data_bn.running_mean']).not.toEqual(before['data_bn.running_mean']);
    expect(trained['l10.tcn1.branches.2.4.running_var']).not.toEqual(before['l10.tcn1.branches.2.4.running_var']);
    model.eval();
    const [a, b] = [tf.tidy(() => model.call(x)), tf.tidy(() => model.call(x))];
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    expect(buffers()).toEqual(trained);
    tf.dispose([a, b, x]);
    model.dispose();
  });

  it('state dict round trip gives the same eval outputs; non-adaptive models have no PA and free everything', async () => {
    const x = skeletonBatch(2, 2, 8);
    const a = new CtrGcn({ baseChannels: 8, seed: 1 });
    tf.tidy(() => a.call(x));
    a.eval();
    const b = new CtrGcn({ baseChannels: 8, seed: 2 }).eval();
    const dict = a.stateDict({ layout: 'pytorch' });
    b.loadStateDict(dict, { layout: 'pytorch' });
    tf.dispose(dict);
    // And through a file: the checkpoint's metadata rebuilds the same architecture.
    const c = modelFromCheckpoint(await exportTorchCheckpoint(a)).eval();
    expect(c.modelName).toBe('ctrgcn');
    expect(c.config).toEqual(a.config);
    const [ya, yb, yc] = [tf.tidy(() => a.call(x)), tf.tidy(() => b.call(x)), tf.tidy(() => c.call(x))];
    expect(Array.from(await yb.data())).toEqual(Array.from(await ya.data()));
    expect(Array.from(await yc.data())).toEqual(Array.from(await ya.data()));
    tf.dispose([x, ya, yb, yc]);
    for (const m of [a, b, c]) m.dispose();
    const count = tf.memory().numTensors;
    const fixed = new CtrGcn({ baseChannels: 8, adaptive: false });
    const keys = fixed.namedParameters().map(([k]) => k);
    expect(keys.some((k) => k.endsWith('.PA'))).toBe(false);
    expect(keys).toContain('l1.gcn1.alpha');
    tf.tidy(() => fixed.call(skeletonBatch(1, 2, 4))).dispose();
    fixed.dispose();
    expect(tf.memory().numTensors).toBe(count);
  });

  it('one Adam step lowers the loss on a fixed batch', async () => {
    const model = createModel('ctrgcn', { baseChannels: 8, numClasses: 4 });
    const x = skeletonBatch(4, 2, 8, V, 3, [[1, 1]]);
    const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
    const [before, after] = await trainSteps(model, x, labels, 1, 1e-3);
    expect(after).toBeLessThan(before);
    tf.dispose([x, labels]);
    model.dispose();
  });
});

// The whole file (three steps, buffers, gradients, both backends) replays in golden/official.test.ts.
describe('ctrgcn against the official implementation (cpu)', () => {
  beforeAll(async () => {
    await setupBackend({ prefer: 'cpu' });
  });

  it('loads the official initial weights and gives the official step-0 output (train mode)', async () => {
    expect(tf.getBackend()).toBe('cpu');
    const { bytes, file } = official();
    const model = createModel('ctrgcn', { numClasses: 60, persons: 2, inChannels: 3, dropout: 0, adaptive: true });
    // strict: every initial.* tensor has a home and every model tensor comes from the file.
    loadTorchCheckpoint(model, bytes, { prefix: 'initial.', strict: true, source: GOLDEN });
    const input = file.tensors['steps.0.input']!;
    const expected = file.tensors['steps.0.output']!;
    const y = tf.tidy(() => model.call(skeletonBatchFromTorch(tf.tensor(input.data, input.shape))));
    expect(y.shape).toEqual(expected.shape);
    expect(toleranceRatio(await y.data(), expected.data), 'steps.0.output').toBeLessThanOrEqual(1);
    y.dispose();
    model.dispose();
  }, 300_000);
});
