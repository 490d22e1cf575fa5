import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';
export default defineConfig({
  resolve: { alias: [{ find: /^@skelnorm\/norm$/, replacement: fileURLToPath(new URL('../norm/src/create-norm.ts', import.meta.url)) }, ...workspaceAliases] },
  test: { include: ['src/**/*.test.ts'], testTimeout: 300_000, pool: 'forks', maxWorkers: 1 },
});
