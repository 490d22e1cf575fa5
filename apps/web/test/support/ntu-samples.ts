import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (apps/web/test/support -> four levels up). */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Folder of the real NTU RGB+D samples: `SKELNORM_NTU_SAMPLES`, else `../shared/ntu-samples` beside the repo. */
export const ntuSamplesDir = resolve(process.env['SKELNORM_NTU_SAMPLES'] || join(repoRoot, '..', 'shared', 'ntu-samples'));

/** Path of one sample file, or undefined when the folder lacks it. */
export function ntuSample(name: string): string | undefined {
  const path = join(ntuSamplesDir, name);
  return existsSync(path) ? path : undefined;
}

/** Where screenshots go (gitignored by the root .gitignore's `test-artifacts/`). */
export const artifactsDir = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
