import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The URL to start a worker thread with, for a module next to this one.
 *
 * Built package (`dist/node/*.js`): the module itself; its imports of `@skelnorm/*` resolve
 * through node_modules to the siblings' `dist/`, as in any installed package.
 *
 * TypeScript sources (vitest, tsx; `import.meta.url` ends in `.ts`): Node 20 does not carry the
 * main thread's `--import tsx` hooks into worker threads, so a two-line `data:` module registers
 * tsx in the thread and imports the `.ts` file. Which files `@skelnorm/*` resolve to is not decided
 * here: the thread inherits the process's `--conditions=source` (the workspace's one mechanism).
 */
export function moduleUrlForThread(fileStem: string, from = import.meta.url): URL {
  if (!from.endsWith('.ts')) return new URL(`./${fileStem}.js`, from);
  const target = new URL(`./${fileStem}.ts`, from);
  const code = [`import { register } from ${JSON.stringify(tsxApiUrl(from))};`, 'register();', `await import(${JSON.stringify(target.href)});`];
  return new URL(`data:text/javascript,${encodeURIComponent(code.join('\n'))}`);
}

function tsxApiUrl(from: string): string {
  const pkg = createRequire(fileURLToPath(from)).resolve('tsx/package.json');
  return pathToFileURL(join(dirname(pkg), 'dist/esm/api/index.mjs')).href;
}
