import type { TrainConfig } from './train-config.js';

/** A named bundle of data and schedule defaults; explicit flags still win. */
export interface TrainPreset {
  readonly name: string;
  readonly description: string;
  /** Measured wall time of one `skelnorm train --preset NAME` run on a 2-core machine (wasm, 2 workers). */
  readonly runTime: string;
  readonly config: Partial<TrainConfig>;
}

/**
 * `seed`: the seed question's regime at a size that still runs on a laptop. The quick default run
 * (~36 optimizer steps) mostly shows momentum 0.01's lag; after hundreds of steps the lag shrinks
 * as the weights settle, and what is left is the blend of a real and a mostly absent person in
 * the shared conv BatchNorms (largest on camera coordinates, `--coords camera`).
 */
export const TRAIN_PRESETS: Readonly<Record<string, TrainPreset>> = {
  seed: {
    name: 'seed',
    description: 'long training as the seed did it: synthetic 30 classes x 120 samples (3,600, cross-subject), T 64, batch 64, Adam 1e-3, 30 epochs (810 optimizer steps)',
    runTime: 'about 10 minutes',
    config: {
      data: { kind: 'synthetic', classes: 30, perClass: 120, seed: 0 },
      frames: 64,
      batchSize: 64,
      optimizer: { name: 'adam', lr: 0.001 },
      epochs: 30,
    },
  },
};

export const PRESET_NAMES = Object.keys(TRAIN_PRESETS);
