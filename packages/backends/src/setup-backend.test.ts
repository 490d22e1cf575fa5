import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AUTO_BACKEND_ORDER, detectRuntime, setupBackend, summarizeGpuAdapter } from './index.js';

describe('setupBackend', () => {
  it('detects Node', () => {
    expect(detectRuntime()).toBe('node');
  });

  it('auto takes the first Node variant that loads and says why it skipped the others', async () => {
    const lines: string[] = [];
    const choice = await setupBackend({ log: (line) => lines.push(line) });
    expect(tf.getBackend()).toBe(choice.name);
    const order = AUTO_BACKEND_ORDER.node;
    expect(choice.skipped.map((s) => s.variant)).toEqual(order.slice(0, order.indexOf(choice.variant)));
    // tfjs-node cannot be installed here (its install script downloads libtensorflow).
    const nodeGpu = choice.skipped.find((s) => s.variant === 'node-gpu');
    if (nodeGpu !== undefined) expect(nodeGpu.reason).toMatch(/tfjs-node-gpu/);
    if (choice.variant === 'wasm') expect(choice.reason).toMatch(/wasm \((no )?SIMD/);
    expect(lines.at(-1)).toContain(`-> ${choice.name}`);
  });

  it('a forced variant that cannot load is an error with the reason, not a fallback', async () => {
    await expect(setupBackend({ prefer: 'node' })).rejects.toThrow(/tfjs-node/);
  });

  it('refuses a browser-only variant in Node', async () => {
    await expect(setupBackend({ prefer: 'webgl' })).rejects.toThrow(/cannot run in node/);
  });

  it('forced wasm registers the training kernels; forced cpu switches back', async () => {
    const wasm = await setupBackend({ prefer: 'wasm' });
    expect(wasm).toMatchObject({ name: 'wasm', variant: 'wasm', skipped: [] });
    expect(wasm.reason).toMatch(/Conv2DBackpropFilter/);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(await setupBackend({ prefer: 'cpu' })).toMatchObject({ name: 'cpu', variant: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe('summarizeGpuAdapter', () => {
  it('calls SwiftShader, llvmpipe and fallback adapters software', async () => {
    const swiftShader = { info: { vendor: 'google', architecture: 'swiftshader', device: 'x', description: 'SwiftShader driver 5.0.0' } };
    expect(await summarizeGpuAdapter(swiftShader)).toEqual({ description: 'google swiftshader (SwiftShader driver 5.0.0)', software: true });
    expect((await summarizeGpuAdapter({ info: { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } })).software).toBe(true);
    expect((await summarizeGpuAdapter({ info: { vendor: 'nvidia', isFallbackAdapter: true } })).software).toBe(true);
    expect((await summarizeGpuAdapter({ isFallbackAdapter: true, requestAdapterInfo: async () => ({}) })).software).toBe(true);
  });

  it('calls a hardware adapter hardware', async () => {
    const nvidia = { info: { vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3080' } };
    expect(await summarizeGpuAdapter(nvidia)).toEqual({ description: 'nvidia ampere (NVIDIA GeForce RTX 3080)', software: false });
  });
});
