// Node-only parts of @skelnorm/trainer: checkpoint files, worker-thread data parallelism, benchmarks.
export { FileCheckpointStore } from './file-checkpoint-store.js';
export type { FileCheckpointStoreOptions } from './file-checkpoint-store.js';
export { dataParallel } from './data-parallel.js';
export type { DataParallelOptions, ModelSpec, BufferSync } from './data-parallel.js';
export { ANCHOR_SEED_CNN, benchTrainingThroughput } from './bench.js';
export type { BenchOptions, BenchResult } from './bench.js';
export { DEFAULT_PYTHON, TORCH_ANCHOR_SCRIPT, runTorchAnchor, torchAvailability } from './torch-anchor.js';
export type { TorchAnchorOptions, TorchAnchorResult } from './torch-anchor.js';
export { ANCHOR_TWO_PERSON_EVERY, benchSeedCnnStep } from './step-bench.js';
export { profileKernels, type KernelTime } from './kernel-profile.js';
export type { StepBenchConfiguration, StepBenchOptions, StepBenchReport, StepBenchRound, StepBenchSummary } from './step-bench.js';
