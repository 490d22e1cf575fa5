export { toleranceRatio } from './tolerance.js';
export { goldenDir, ntuSamplesDir } from './reference-dirs.js';
export { SOURCE_NODE_ARGS } from './source-process.js';
