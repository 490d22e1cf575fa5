import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';


const appDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Global setup of the e2e suite: one production build (`vite build` with the app's config) into a
 * temporary folder, shared by every test file, removed afterwards. The tests serve it with a plain
 * static server, so they check the site that gets deployed, not the dev server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { build } = await import('vite');
  const outDir = await mkdtemp(join(tmpdir(), 'skelnorm-web-e2e-'));
  const started = performance.now();
  await build({
    root: appDir,
    configFile: join(appDir, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  console.info(`[e2e] vite build in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${outDir}`);
  project.provide('siteDir', outDir);
  return () => rm(outDir, { recursive: true, force: true });
}
