import { defineConfig } from 'vitest/config';
import { sourceExecArgv, sourceResolution } from '../../vitest.shared.ts';

// End-to-end tests in headless Chromium against a production build; WebGPU there is SwiftShader
// (slow), so the suite keeps every model tiny. One file at a time: one browser, two cores.
export default defineConfig({
  ...sourceResolution,
  test: {
    include: ['test/**/*.e2e.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['test/support/build-site.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    execArgv: sourceExecArgv,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
