// Node-only parts of @skelnorm/trainer: files, worker threads, benchmarks.
export { FileCheckpointStore } from './file-checkpoint-store.js';
export type { FileCheckpointStoreOptions } from './file-checkpoint-store.js';
export { dataParallel } from './data-parallel.js';
export type { DataParallelOptions, ModelSpec, BufferSync } from './data-parallel.js';
export { benchTrainingThroughput } from './bench.js';
export type { BenchOptions, BenchResult } from './bench.js';
