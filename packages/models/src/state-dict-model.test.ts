// Plain PyTorch state dicts (no skelnorm metadata): each golden file's `initial.*` tensors are
// exactly what `model.state_dict()` of the official model holds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { StateDictError, readSafetensors, safetensorsToTensors, tensorsToSafetensors } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, modelFromStateDict, modelNames } from './index.js';
import { goldenDir, useBackend } from './test-support/tf.js';

async function plainStateDict(file: string, drop: (key: string) => boolean = () => false): Promise<Uint8Array> {
  const golden = readSafetensors(readFileSync(join(goldenDir(), file)), file);
  const dict = safetensorsToTensors(golden, 'initial.');
  try {
    return await tensorsToSafetensors(Object.fromEntries(Object.entries(dict).filter(([k]) => !drop(k))));
  } finally {
    tf.dispose(dict);
  }
}

const CASES = [
  { file: 'seed_model_bn.safetensors', name: 'seed-cnn', expected: { numClasses: 60, frames: 64, norm: 'batch' } },
  { file: 'seed_model_nonorm.safetensors', name: 'seed-cnn', expected: { numClasses: 60, frames: 64, norm: 'none' } },
  { file: 'stgcn_official.safetensors', name: 'stgcn', expected: { numClasses: 60, dataNorm: 'VC', width: 'paper', edgeImportance: true, norm: 'batch' } },
  { file: 'hcn_official.safetensors', name: 'hcn', expected: { numClasses: 60, frames: 64, channels: 64 } },
  { file: 'ctrgcn_official.safetensors', name: 'ctrgcn', expected: { numClasses: 60, persons: 2, dataNorm: true, adaptive: true } },
] as const;

/** A fresh zoo model's state dict in PyTorch layout, without our metadata. */
async function plainOf(name: string, options: Record<string, unknown>): Promise<Uint8Array> {
  const model = createModel(name, options);
  const dict = model.stateDict({ layout: 'pytorch' });
  try {
    return await tensorsToSafetensors(dict);
  } finally {
    model.dispose();
  }
}

describe('modelFromStateDict', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  // The seed CNN's shapes show V only through fc1's width (128 x floor(T/8) x floor(V/8)): T = 16
  // with coco17 (512 columns) fits no NTU T, but T = 16 with ntu25 (768) would also fit coco17 at
  // T = 24, so its NTU model here takes T = 24 (1152 columns, no COCO T).
  const NTU_OVERRIDES: Record<string, Record<string, unknown>> = { 'seed-cnn': { frames: 24 } };
  const SMALL: Record<string, Record<string, unknown>> = { 'seed-cnn': { frames: 16, numClasses: 5 }, hcn: { frames: 16, numClasses: 5 }, stgcn: { width: 'small', numClasses: 5 }, ctrgcn: { baseChannels: 8, numClasses: 5 } };
  for (const [name, options] of Object.entries(SMALL)) {
    it(`${name}: reads the layout's joints from the shapes (coco17's 17), takes a hint where shapes cannot tell (ntu25-2d), and refuses a hint of other joints`, async () => {
      const coco = modelFromStateDict(await plainOf(name, { ...options, layout: 'coco17' }), { source: 'coco.safetensors' });
      try {
        expect(coco.model.config).toMatchObject({ layout: 'coco17', numClasses: 5 });
        expect(coco.inferred.notes.join('\n')).toMatch(/layout 'coco17' \('.*' shows V=17\)/);
      } finally {
        coco.model.dispose();
      }
      const ntu = await plainOf(name, { ...options, ...NTU_OVERRIDES[name], layout: 'ntu25-2d' });
      const plain = modelFromStateDict(ntu, { source: 'ntu.safetensors' });
      const hinted = modelFromStateDict(ntu, { source: 'ntu.safetensors', layout: 'ntu25-2d' });
      try {
        expect(plain.model.config).toMatchObject({ layout: 'ntu25' });
        expect(plain.inferred.notes.join('\n')).toMatch(/layout 'ntu25' \('.*' shows V=25; ntu25-2d .* have the same shapes: give the layout if it is one of them\)/);
        expect(hinted.model.config).toMatchObject({ layout: 'ntu25-2d' });
      } finally {
        plain.model.dispose();
        hinted.model.dispose();
      }
      expect(() => modelFromStateDict(ntu, { source: 'ntu.safetensors', layout: 'coco17' })).toThrow(/ntu\.safetensors: '.*' shows V=25 joints; layout coco17 has 17/);
    });
  }

  for (const c of CASES) {
    it(`recognises ${c.file} as ${c.name}, infers its options and loads it strictly`, async () => {
      expect(modelNames(), `${c.name} is not registered`).toContain(c.name);
      const bytes = await plainStateDict(c.file);
      const { model, inferred } = modelFromStateDict(bytes, { source: c.file });
      try {
        expect(inferred.name).toBe(c.name);
        expect(inferred.detected).toBe(true);
        expect(model.config).toMatchObject(c.expected);
        expect(inferred.notes.join('\n')).toMatch(/numClasses 60 \(/);
      } finally {
        model.dispose();
      }
    });
  }

  it('seed-cnn: where fc1 fits both joint counts, takes ntu25 and says that coco17 fits too; a coco17 hint reads the same file as T = 24', async () => {
    const both = await plainOf('seed-cnn', { frames: 16, numClasses: 5 });
    const plain = modelFromStateDict(both, { source: 'both.safetensors' });
    const hinted = modelFromStateDict(both, { source: 'both.safetensors', layout: 'coco17' });
    try {
      expect(plain.model.config).toMatchObject({ layout: 'ntu25', frames: 16 });
      expect(plain.inferred.notes.join('\n')).toMatch(/layout 'ntu25' \('fc1\.0\.weight' fits V=25 and V=17; took 25/);
      expect(hinted.model.config).toMatchObject({ layout: 'coco17', frames: 24 });
    } finally {
      plain.model.dispose();
      hinted.model.dispose();
    }
  });

  it("says whose state dict it is when --model names another, and lists the keys that do not fit", async () => {
    const stgcn = await plainStateDict('stgcn_official.safetensors');
    expect(() => modelFromStateDict(stgcn, { model: 'hcn', source: 'st.safetensors' })).toThrow(/st\.safetensors: this is a state dict of 'stgcn' \(its keys\), not of 'hcn'/);
    const cut = await plainStateDict('stgcn_official.safetensors', (k) => k.startsWith('st_gcn_networks.9.'));
    let error: unknown;
    try {
      modelFromStateDict(cut, { source: 'cut.safetensors' }).model.dispose();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    expect((error as StateDictError).missingKeys).toContain('st_gcn_networks.9.gcn.conv.weight');
    expect((error as Error).message).toMatch(/inferred from cut\.safetensors/);
  });

  it('refuses a file of no known model, naming its keys', async () => {
    const bytes = await tensorsToSafetensors({ 'encoder.weight': tf.zeros([2, 2]) });
    expect(() => modelFromStateDict(bytes, { source: 'other.safetensors' })).toThrow(/other\.safetensors: not a state dict of a known model.*encoder\.weight/);
  });
});
