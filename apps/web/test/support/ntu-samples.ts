import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ntuSamplesDir } from '@skelnorm/test-support';

/** Path of one real sample; a missing one fails the test (never a silent fallback to other data). */
export function ntuSample(name: string): string {
  const path = join(ntuSamplesDir(), name);
  if (!existsSync(path)) throw new Error(`${name} not found in ${ntuSamplesDir()} (set SKELNORM_NTU_SAMPLES)`);
  return path;
}

/** Where screenshots go (gitignored by the root .gitignore's `test-artifacts/`). */
export const artifactsDir = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
