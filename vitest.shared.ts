import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import sibling packages by name; resolve those names to sources so that tests
// never depend on a stale dist/ build.
const pkg = (name: string, entry = 'index.ts') =>
  fileURLToPath(new URL(`./packages/${name}/src/${entry}`, import.meta.url));

export const workspaceAliases = [
  { find: /^@skelnorm\/test-support$/, replacement: fileURLToPath(new URL('./tools/test-support/src/index.ts', import.meta.url)) },
  { find: /^@skelnorm\/data\/node$/, replacement: pkg('data', 'node/index.ts') },
  { find: /^@skelnorm\/data\/rx$/, replacement: pkg('data', 'rx/index.ts') },
  { find: /^@skelnorm\/backends\/node$/, replacement: pkg('backends', 'node/index.ts') },
  { find: /^@skelnorm\/backends$/, replacement: pkg('backends') },
  { find: /^@skelnorm\/nn$/, replacement: pkg('nn') },
  { find: /^@skelnorm\/norm$/, replacement: pkg('norm') },
  { find: /^@skelnorm\/data$/, replacement: pkg('data') },
  { find: /^@skelnorm\/models$/, replacement: pkg('models') },
  { find: /^@skelnorm\/trainer\/node$/, replacement: pkg('trainer', 'node/index.ts') },
  { find: /^@skelnorm\/trainer$/, replacement: pkg('trainer') },
];

export function packageTestConfig(options: { timeoutMs?: number } = {}) {
  return defineConfig({
    resolve: { alias: workspaceAliases },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.timeoutMs ?? 60_000,
      hookTimeout: 60_000,
      pool: 'forks',
      // Two cores: one worker keeps wasm kernels from fighting over them.
      maxWorkers: 1,
    },
  });
}
