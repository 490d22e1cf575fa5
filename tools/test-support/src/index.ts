export { toleranceRatio } from './tolerance.js';
export { anchorsDir, goldenDir, ntuSamplesDir } from './reference-dirs.js';
export { SOURCE_NODE_ARGS } from './source-process.js';
export { findAll, parseXml, textContent } from './xml.js';
export type { XmlElement } from './xml.js';
