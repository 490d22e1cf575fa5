import type { ModelSpec } from './data-parallel.js';

export interface BenchOptions {
  /** Worker replicas; 0 = in this thread with the current backend. Default 2. */
  readonly workers?: number;
  /** Default 64. */
  readonly batchSize?: number;
  /** Timed steps. Default 10. */
  readonly steps?: number;
  /** Untimed steps first. Default 2. */
  readonly warmupSteps?: number;
  /** Default `{ name: 'seed-cnn' }`. */
  readonly model?: ModelSpec;
  /** Worker backend. Default `auto`. */
  readonly backend?: 'auto' | 'wasm' | 'cpu';
}

export interface BenchResult {
  readonly model: string;
  readonly workers: number;
  readonly backend: string;
  readonly batchSize: number;
  readonly steps: number;
  /** Mean milliseconds per training step (forward, backward, averaging, Adam update). */
  readonly msPerStep: number;
  readonly medianMsPerStep: number;
  readonly samplesPerSecond: number;
}

export declare function benchTrainingThroughput(options?: BenchOptions): Promise<BenchResult>;
