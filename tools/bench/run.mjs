#!/usr/bin/env node
// `npm run bench` at the workspace root runs this: src/run.ts under tsx, with this package's
// tsconfig, whose `paths` map @skelnorm/* to their sources (no build needed). Arguments pass on.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tsconfig = fileURLToPath(new URL('./tsconfig.json', import.meta.url));
const entry = fileURLToPath(new URL('./src/run.ts', import.meta.url));
const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), entry, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
});
process.exit(result.status ?? 1);
