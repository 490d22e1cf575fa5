export { toleranceRatio } from './tolerance.js';
export { goldenDir, ntuSamplesDir } from './reference-dirs.js';
