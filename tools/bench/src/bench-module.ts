/** One measured configuration: a row of the printed table and of `bench-results/*.json`. */
export interface BenchRow {
  /** Which bench produced it, e.g. 'seed-cnn-training'. */
  readonly bench: string;
  /** What ran it: a backend variant ('wasm', 'node-webgpu', ...) or 'pytorch'. */
  readonly runner: string;
  /** tfjs backend name or the PyTorch version. */
  readonly backend: string;
  readonly steps: number;
  /** Median time of the timed steps (after warm-up), or null when it did not run. */
  readonly msPerStep: number | null;
  readonly stepsPerSecond: number | null;
  /** msPerStep divided by PyTorch's in the same run (how many times slower), where measured. */
  readonly vsPyTorch: number | null;
  /** Loss of the first step: equal across runners when they train the same model on the same data. */
  readonly firstLoss: number | null;
  /** Why it was skipped, or what the backend choice said. */
  readonly note: string;
}

/** Settings every bench gets from the command line. */
export interface BenchOptions {
  /** Runners to try (variants and 'pytorch'); default: all that apply. */
  readonly runners: readonly string[] | undefined;
  /** Timed steps for fast runners (the slow ones take fewer, see each bench). */
  readonly steps: number;
  readonly warmup: number;
  /** PyTorch threads (the machine's cores by default). */
  readonly torchThreads: number;
  /** Where the workspace is (for paths) and where scratch files may go. */
  readonly workspaceRoot: string;
  readonly scratchDir: string;
  readonly log: (line: string) => void;
}

/** A benchmark: runs what it measures and returns rows. Register it in `run.ts`'s list. */
export interface BenchModule {
  readonly name: string;
  readonly description: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}
