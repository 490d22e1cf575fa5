import { fileURLToPath } from 'node:url';

// The reference files live beside the repository (../shared), never inside it: the golden files
// are PyTorch's, the NTU samples are under the dataset's terms.
const shared = (name: string): string => fileURLToPath(new URL(`../../../../shared/${name}`, import.meta.url));

/** PyTorch reference vectors: `SKELNORM_GOLDEN_DIR` or `../shared/golden` from the repository root. */
export const goldenDir = (): string => process.env['SKELNORM_GOLDEN_DIR'] ?? shared('golden');

/** Real NTU RGB+D samples: `SKELNORM_NTU_SAMPLES` or `../shared/ntu-samples` from the repository root. */
export const ntuSamplesDir = (): string => process.env['SKELNORM_NTU_SAMPLES'] ?? shared('ntu-samples');

/** The speed anchors every published ratio is measured against: `../shared/anchors`. */
export const anchorsDir = (): string => shared('anchors');
