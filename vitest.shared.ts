import { defaultServerConditions, type UserConfig } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Every workspace package exports its TypeScript sources under the `source` condition, so tests
 * (and the worker threads and child processes they start) resolve `@skelnorm/*` to sources and
 * never depend on a stale dist/ build. One mechanism for every tool: vite/vitest here, Node's
 * `--conditions=source` for processes, tsc's `customConditions` for type checks.
 */
export const SOURCE_CONDITION = 'source';

export const sourceResolution = {
  resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
} satisfies UserConfig;

/** Node flags for processes that a test starts: worker threads inherit them. */
export const sourceExecArgv = [`--conditions=${SOURCE_CONDITION}`];

export function packageTestConfig(options: { timeoutMs?: number } = {}) {
  return defineConfig({
    ...sourceResolution,
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.timeoutMs ?? 60_000,
      hookTimeout: 60_000,
      pool: 'forks',
      execArgv: sourceExecArgv,
      // Two cores: one worker keeps wasm kernels from fighting over them.
      maxWorkers: 1,
    },
  });
}
