import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2d, Dropout, Flatten, Generator, Identity, Linear, MaxPool2d, Module, ReLU, Sequential, StateDictError } from './index.js';
import { useCpu } from './test-support/tf.js';

beforeAll(useCpu);

function smallNet(seed: number): Sequential {
  const g = new Generator(seed);
  return new Sequential(
    new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1, generator: g }),
    new ReLU(),
    new MaxPool2d({ kernelSize: 2 }),
    new Flatten({ order: 'channels-first' }),
    new Dropout({ p: 0.5, generator: g }),
    new Linear({ inFeatures: 4 * 3 * 2, outFeatures: 5, generator: g }),
  );
}

describe('Module', () => {
  it('names parameters with PyTorch dotted paths', () => {
    const net = new Sequential(new Sequential(smallNet(1)), new Linear({ inFeatures: 5, outFeatures: 2 }));
    expect(net.namedParameters().map(([n]) => n)).toEqual(['0.0.0.weight', '0.0.0.bias', '0.0.5.weight', '0.0.5.bias', '1.weight', '1.bias']);
    expect(net.numParameters()).toBe(3 * 3 * 3 * 4 + 4 + 24 * 5 + 5 + 5 * 2 + 2);
    net.dispose();
  });

  it('state-dict round trip gives identical outputs', async () => {
    const a = smallNet(1).eval();
    const b = smallNet(2).eval();
    const x = tf.randomNormal([2, 6, 4, 3], 0, 1, 'float32', 3);
    const before = await b.call(x).data();
    const ya = await a.call(x).data();
    expect(Array.from(before)).not.toEqual(Array.from(ya));
    for (const layout of ['native', 'pytorch'] as const) {
      const dict = a.stateDict({ layout });
      b.loadStateDict(dict, { layout });
      Object.values(dict).forEach((t) => t.dispose());
      expect(Array.from(await b.call(x).data())).toEqual(Array.from(ya));
    }
    a.dispose();
    b.dispose();
  });

  it('converts to PyTorch layout on export', () => {
    const conv = new Conv2d({ inChannels: 3, outChannels: 8, kernelSize: [3, 5] });
    const lin = new Linear({ inFeatures: 7, outFeatures: 2 });
    expect(conv.stateDict({ layout: 'pytorch' })['weight']?.shape).toEqual([8, 3, 3, 5]);
    expect(conv.stateDict()['weight']?.shape).toEqual([3, 5, 3, 8]);
    expect(lin.stateDict({ layout: 'pytorch' })['weight']?.shape).toEqual([2, 7]);
  });

  it('lists missing, unexpected and mis-shaped keys and changes nothing on failure', async () => {
    const net = smallNet(1);
    const before = await net.namedParameters()[0]![1].data();
    const dict: Record<string, tf.Tensor> = {
      '0.weight': tf.zeros([3, 3, 3, 4]),
      '0.bias': tf.zeros([7]),
      'extra.weight': tf.zeros([1]),
    };
    let error: unknown;
    try {
      net.loadStateDict(dict);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    const e = error as StateDictError;
    expect(e.missingKeys).toEqual(['5.weight', '5.bias']);
    expect(e.unexpectedKeys).toEqual(['extra.weight']);
    expect(e.misShapedKeys[0]).toContain('0.bias: expected [4]');
    expect(e.message).toContain('missing keys (2)');
    expect(Array.from(await net.namedParameters()[0]![1].data())).toEqual(Array.from(before));
    // Non-strict: missing and unexpected keys are reported, shapes still must fit.
    dict['0.bias'] = tf.ones([4]);
    const result = net.loadStateDict(dict, { strict: false });
    expect(result.missingKeys).toEqual(['5.weight', '5.bias']);
    expect(Array.from(await net.namedParameters()[1]![1].data())).toEqual([1, 1, 1, 1]);
  });

  it('reports a tensor of the wrong rank in PyTorch layout as mis-shaped, not as a transpose error', () => {
    const net = smallNet(1);
    const dict = net.stateDict({ layout: 'pytorch' });
    dict['0.weight']!.dispose();
    dict['0.weight'] = tf.zeros([1]);
    expect(() => net.loadStateDict(dict, { layout: 'pytorch' })).toThrow(/mis-shaped keys \(1\):\n  0\.weight: expected a rank-4 tensor in PyTorch layout, got \[1\]/);
    tf.dispose(Object.values(dict));
  });

  it('propagates train/eval through the tree and keeps replaced children in mode', () => {
    const net = new Sequential(smallNet(1), new ReLU());
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
    net.eval();
    expect(net.namedModules().some(([, m]) => m.training)).toBe(false);
    const old = net.replaceModule('0.1', new Identity());
    expect(old).toBeInstanceOf(ReLU);
    expect((net.at(0) as Sequential).at(1)).toBeInstanceOf(Identity);
    expect((net.at(0) as Sequential).at(1).training).toBe(false);
    net.train();
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
  });

  it('replaceModule updates fields that point at the child', () => {
    class Net extends Module {
      head = this.registerModule('head', new ReLU());
      forward(x: tf.Tensor) {
        return this.head.call(x);
      }
    }
    const net = new Net();
    const id = new Identity();
    net.replaceModule('head', id);
    expect(net.head).toBe(id);
    expect(() => net.replaceModule('nope.x', id)).toThrow(/no module at 'nope.x'/);
  });

  it('runs forward hooks on call', () => {
    const relu = new ReLU();
    const seen: number[][] = [];
    const remove = relu.registerForwardHook((_m, _x, y) => seen.push(y.shape));
    tf.tidy(() => relu.call(tf.ones([2, 3])));
    remove();
    tf.tidy(() => relu.call(tf.ones([2, 3])));
    expect(seen).toEqual([[2, 3]]);
  });
});

describe('Dropout', () => {
  it('is the identity in eval mode and zeroes with scaling in training mode', async () => {
    const drop = new Dropout({ p: 0.25, generator: new Generator(5) });
    const x = tf.ones([1000]);
    const train = await drop.call(x).data();
    const zeros = train.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(180);
    expect(zeros).toBeLessThan(320);
    expect(train.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    drop.eval();
    expect(drop.call(x)).toBe(x);
  });

  it('reproduces its masks from a seed', async () => {
    const x = tf.ones([64]);
    const a = await new Dropout({ generator: new Generator(9) }).call(x).data();
    const b = await new Dropout({ generator: new Generator(9) }).call(x).data();
    const c = await new Dropout({ generator: new Generator(10) }).call(x).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});

describe('initialization', () => {
  it("uses PyTorch's default bounds 1/sqrt(fanIn) and a seed reproduces it", async () => {
    const conv = new Conv2d({ inChannels: 16, outChannels: 64, kernelSize: 3, generator: new Generator(1) });
    const w = Array.from(await conv.weight.data());
    const bound = 1 / Math.sqrt(16 * 9);
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-bound);
    // U(-b, b) has standard deviation b / sqrt(3).
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.03);
    const again = new Conv2d({ inChannels: 16, outChannels: 64, kernelSize: 3, generator: new Generator(1) });
    expect(Array.from(await again.weight.data())).toEqual(w);
  });
});

describe('memory', () => {
  it('keeps the tensor count flat across 100 training steps', () => {
    const net = smallNet(3);
    const x = tf.randomNormal([4, 6, 4, 3], 0, 1, 'float32', 1);
    const y = tf.tensor1d([0, 1, 2, 3], 'int32');
    const params = net.parameters();
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const logits = net.call(x);
          return tf.mean(tf.sum(tf.mul(tf.oneHot(y, 5), tf.neg(tf.logSoftmax(logits))), 1)) as tf.Scalar;
        }, params);
        for (const p of params) p.assign(tf.sub(p, tf.mul(grads[p.name]!, 0.01)));
      });
    step();
    const start = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) step();
    expect(tf.memory().numTensors).toBe(start);
  });
});
