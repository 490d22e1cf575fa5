import { defineConfig } from 'vitest/config';
import { sourceExecArgv, sourceResolution } from './vitest.shared.ts';

// `npm run golden`: PyTorch parity suites only, across packages. Each package's golden tests live
// in src/golden/ and also run in that package's `npm test`. The folder is SKELNORM_GOLDEN_DIR
// (default ../shared/golden): packages/norm replays its *.json files, packages/models its
// seed_model_*.safetensors and the official models' *_official.safetensors.
export default defineConfig({
  ...sourceResolution,
  test: {
    include: ['packages/norm/src/golden/**/*.test.ts', 'packages/models/src/golden/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    execArgv: sourceExecArgv,
    // Two cores: one worker keeps wasm kernels from fighting over them.
    maxWorkers: 1,
  },
});
