import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, defaultOptions, listModels, modelInfo, modelNames } from './index.js';
import { useBackend } from './test-support/tf.js';

beforeAll(() => useBackend());

describe('model registry', () => {
  it('lists the models with JSON-serializable option schemas', () => {
    expect(modelNames()).toEqual(['seed-cnn', 'hcn', 'stgcn', 'ctrgcn']);
    const infos = listModels();
    expect(infos.map((i) => i.name)).toEqual(modelNames());
    expect(JSON.parse(JSON.stringify(infos))).toEqual(infos);
    const seed = modelInfo('seed-cnn');
    expect(defaultOptions(seed.options)).toMatchObject({ numClasses: 60, norm: 'batch', personMode: 'per-person', bnMomentum: 0.1, dropout: 0.5 });
    const norm = seed.options.find((o) => o.name === 'norm');
    expect(norm).toMatchObject({ type: 'enum', choices: ['none', 'batch', 'layer', 'group', 'frozen', 'masked-batch'] });
  });

  it('builds each model with its defaults and records the resolved options', () => {
    for (const name of modelNames()) {
      const model = createModel(name);
      expect(model.modelName).toBe(name);
      expect(model.config).toEqual(defaultOptions(modelInfo(name).options));
      model.dispose();
    }
  });

  it('rejects unknown models and bad options with every problem listed', () => {
    expect(() => createModel('resnet')).toThrow(/Unknown model 'resnet'; registered models: seed-cnn, hcn, stgcn, ctrgcn/);
    expect(() => createModel('seed-cnn', { norm: 'batchnorm', bnMomentum: 2, frame: 64 })).toThrow(
      /option 'norm': expected one of none, batch, layer, group, frozen, masked-batch, got "batchnorm".*option 'bnMomentum': must be <= 1, got 2.*unknown option 'frame'/,
    );
    expect(() => createModel('stgcn', { numClasses: 2.5 })).toThrow(/option 'numClasses': expected an integer, got 2.5/);
    const cumulative = createModel('seed-cnn', { bnMomentum: null, norm: 'none' });
    expect(cumulative.config['bnMomentum']).toBeNull();
    cumulative.dispose();
  });
});
