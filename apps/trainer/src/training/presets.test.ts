import { describe, expect, it } from 'vitest';
import { parseFlags } from '../args/flags.js';
import { resolveTrainConfig, TRAINING_FLAGS } from './train-config.js';

const resolve = (args: string[], base = {}) => resolveTrainConfig(parseFlags(args, TRAINING_FLAGS).flags, base);

describe('--preset seed', () => {
  it('is the seed regime: 30 x 120 synthetic samples, T 64, batch 64, Adam 1e-3, 30 epochs', () => {
    const config = resolve(['--preset', 'seed']);
    expect(config).toMatchObject({
      data: { kind: 'synthetic', classes: 30, perClass: 120, seed: 0 },
      frames: 64,
      batchSize: 64,
      epochs: 30,
      optimizer: { name: 'adam', lr: 0.001 },
      coords: 'centred',
    });
  });

  it('overrides a command\'s own defaults, and explicit flags override the preset', () => {
    expect(resolve(['--preset', 'seed'], { epochs: 4 }).epochs).toBe(30);
    const config = resolve(['--preset', 'seed', '--epochs', '2', '--coords', 'camera', '--per-class', '10']);
    expect(config).toMatchObject({ epochs: 2, coords: 'camera', batchSize: 64, data: { classes: 30, perClass: 10 } });
  });

  it('names the presets it knows', () => {
    expect(() => resolve(['--preset', 'long'])).toThrow(/--preset must be one of seed/);
  });
});
