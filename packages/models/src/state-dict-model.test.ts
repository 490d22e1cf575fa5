// Plain PyTorch state dicts (no skelnorm metadata): each golden file's `initial.*` tensors are
// exactly what `model.state_dict()` of the official model holds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { StateDictError, readSafetensors, safetensorsToTensors, tensorsToSafetensors } from '@skelnorm/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelFromStateDict, modelNames } from './index.js';
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

describe('modelFromStateDict', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

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
