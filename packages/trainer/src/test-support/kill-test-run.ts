// The run that the SIGKILL test trains in a child process and finishes in the test process.
import { manualSeed } from '@skelnorm/nn';
import type { FitOptions } from '../fit-options.js';
import { TinyNet, epochBatches, makeSamples } from './tiny.js';

export function killTestRun() {
  manualSeed(0);
  const model = new TinyNet(4, 8, 3, 0.3);
  const data = { train: epochBatches(makeSamples(48), 12) };
  const options = { epochs: 4, seed: 5, optimizer: { name: 'adam', lr: 0.01 }, schedule: { name: 'cosine' } } satisfies FitOptions;
  return { model, data, options };
}
