#!/usr/bin/env node
// `npm run bench` at the workspace root runs this: src/run.ts under tsx, with the `source` export
// condition sending @skelnorm/* to their sources (no build needed). Arguments pass on.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./src/run.ts', import.meta.url));
const result = spawnSync(process.execPath, ['--conditions=source', '--import', import.meta.resolve('tsx'), entry, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
