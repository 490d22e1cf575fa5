// Node-only parts of @skelnorm/trainer: checkpoint files, worker-thread data parallelism, benchmarks.
export { FileCheckpointStore } from './file-checkpoint-store.js';
export type { FileCheckpointStoreOptions } from './file-checkpoint-store.js';
export { dataParallel } from './data-parallel.js';
export type { DataParallelOptions, ModelSpec, BufferSync } from './data-parallel.js';
export { benchTrainingThroughput, benchTorchReference, median } from './bench.js';
export type { BenchOptions, BenchResult, TorchBenchOptions, TorchBenchResult } from './bench.js';
