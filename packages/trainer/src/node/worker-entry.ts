import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The URL to start a worker thread (or child process) with, for a module next to this one.
 *
 * Built package (`dist/node/*.js`): the module itself; its imports of `@skelnorm/*` resolve
 * through node_modules to the siblings' `dist/`, as in any installed package.
 *
 * TypeScript sources (vitest, tsx; `import.meta.url` ends in `.ts`): a tiny `data:` module that
 * registers tsx with `tsconfig.worker.json` (whose `paths` send `@skelnorm/*` to the siblings'
 * sources, as vitest's aliases do) and then imports the `.ts` file. So tests need no build and
 * never run a stale `dist/`.
 */
export function moduleUrlForThread(fileStem: string, from = import.meta.url): URL {
  if (!from.endsWith('.ts')) return new URL(`./${fileStem}.js`, from);
  return new URL(`data:text/javascript,${encodeURIComponent(sourceBootstrap(fileStem, from))}`);
}

/**
 * ES module code that registers tsx with `tsconfig.worker.json` and imports `<fileStem>.ts` next
 * to `from`; for `node --input-type=module -e` (child processes from sources).
 */
export function sourceBootstrap(fileStem: string, from: string): string {
  const target = new URL(`./${fileStem}.ts`, from);
  return [
    `import { register } from ${JSON.stringify(tsxApiUrl(from))};`,
    `register({ tsconfig: ${JSON.stringify(workerTsconfig(from))} });`,
    `await import(${JSON.stringify(target.href)});`,
  ].join('\n');
}

function tsxApiUrl(from: string): string {
  const pkg = createRequire(fileURLToPath(from)).resolve('tsx/package.json');
  return pathToFileURL(join(dirname(pkg), 'dist/esm/api/index.mjs')).href;
}

function workerTsconfig(from: string): string {
  let dir = dirname(fileURLToPath(from));
  while (!existsSync(join(dir, 'tsconfig.worker.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`@skelnorm/trainer: tsconfig.worker.json not found above ${fileURLToPath(from)}`);
    dir = up;
  }
  return join(dir, 'tsconfig.worker.json');
}
