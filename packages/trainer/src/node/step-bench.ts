import { median } from '../median.js';
import { ANCHOR_SEED_CNN, benchTrainingThroughput, type BenchResult } from './bench.js';
import type { ModelSpec } from './data-parallel.js';
import { runTorchAnchor, torchAvailability, type TorchAnchorOptions, type TorchAnchorResult } from './torch-anchor.js';

/** How the anchor script builds its batches: every 6th sample has a second person (`% 6` there). */
export const ANCHOR_TWO_PERSON_EVERY = 6;

/** One of our configurations: worker replicas (0 = this thread) and person-sparse execution. */
export interface StepBenchConfiguration {
  readonly workers: number;
  readonly personSparse: boolean;
}

export interface StepBenchOptions {
  /** Measured in this order in every round. Default: 2 workers, person-sparse. */
  readonly configurations?: readonly StepBenchConfiguration[];
  /** Default 64. */
  readonly batchSize?: number;
  /** Timed steps per run. Default 10. */
  readonly steps?: number;
  /** Untimed steps per run. Default 2. */
  readonly warmupSteps?: number;
  /** Rounds; each runs every configuration, then the tuned anchor, then the plain one. Default 3. */
  readonly rounds?: number;
  /** Worker (and, with 0 workers, this thread's) backend. Default `auto`. */
  readonly backend?: 'auto' | 'wasm' | 'cpu';
  /** See `BenchOptions.twoPersonEvery`. Default 6. */
  readonly twoPersonEvery?: number;
  /** Model; its options get each configuration's `personSparse`. Default {@link ANCHOR_SEED_CNN}. */
  readonly model?: ModelSpec;
  /** The PyTorch anchor (python, script, threads), or false to skip it. Default: Debian's python3, 2 threads. */
  readonly torch?: false | Pick<TorchAnchorOptions, 'python' | 'script' | 'threads'>;
  /** Time every kernel of our runs (needs every configuration's workers to be 0). Default false. */
  readonly profile?: boolean;
  /** Called after each round with what it measured (progress lines). */
  readonly onRound?: (round: number, result: StepBenchRound) => void;
}

/** What one round measured. */
export interface StepBenchRound {
  /** One per configuration, in order. */
  readonly skelnorm: readonly BenchResult[];
  /** Null when the anchor is skipped or missing. */
  readonly pytorch: TorchAnchorResult | null;
  readonly pytorchPlain: TorchAnchorResult | null;
}

/** One line of the summary: medians over the rounds of each run's median step time. */
export interface StepBenchSummary {
  /** `skelnorm`, `pytorch-tuned` or `pytorch-plain`. */
  readonly runner: string;
  readonly workers: number | null;
  readonly personSparse: boolean | null;
  /** Our step engine (`local`, `workers x2 (wasm)`) or the torch version. */
  readonly engine: string;
  readonly msPerStep: number;
  readonly samplesPerSecond: number;
  /** Throughput against the tuned anchor: its ms/step over ours (1 = parity); null without it. */
  readonly vsTuned: number | null;
  /** The same against the plain (`nn.Linear`) anchor. */
  readonly vsPlain: number | null;
  /** The per-round figures the median is taken over. */
  readonly roundsMsPerStep: readonly number[];
  /** Ours only: median over rounds of CPU ms per step, every thread (see `BenchResult.medianCpuMsPerStep`). */
  readonly cpuMsPerStep: number | null;
}

export interface StepBenchReport {
  readonly batchSize: number;
  readonly steps: number;
  readonly warmupSteps: number;
  readonly twoPersonEvery: number;
  /** PyTorch's version, or null when the anchor did not run. */
  readonly torch: string | null;
  /** Why the anchor did not run (skipped, or `import torch` failed); null when it ran. */
  readonly torchNote: string | null;
  readonly rounds: readonly StepBenchRound[];
  /** Our configurations in order, then the tuned and the plain anchor where they ran. */
  readonly summary: readonly StepBenchSummary[];
}

/**
 * The seed CNN's training step, ours against the PyTorch anchor, in one run: every round times each
 * of our configurations, then the tuned anchor, then the plain one, so that all see the same
 * machine (a shared machine's speed drifts by tens of percent within minutes); each figure is the
 * median over rounds of a run's median step. Without torch our side is still measured and
 * `torchNote` says why the anchor is missing.
 */
export async function benchSeedCnnStep(options: StepBenchOptions = {}): Promise<StepBenchReport> {
  const configurations = options.configurations ?? [{ workers: 2, personSparse: true }];
  const batchSize = options.batchSize ?? 64;
  const steps = options.steps ?? 10;
  const warmupSteps = options.warmupSteps ?? 2;
  const twoPersonEvery = options.twoPersonEvery ?? ANCHOR_TWO_PERSON_EVERY;
  const model = options.model ?? ANCHOR_SEED_CNN;
  if (options.torch !== false && twoPersonEvery !== ANCHOR_TWO_PERSON_EVERY) {
    // The anchor's batches are fixed (one sample in six with a second person): a ratio needs the same workload.
    throw new Error(`bench: the PyTorch anchor runs batches with every ${ANCHOR_TWO_PERSON_EVERY}th sample two-person; twoPersonEvery ${twoPersonEvery} needs torch: false`);
  }
  let torchNote: string | null = null;
  let torchVersion: string | null = null;
  if (options.torch === false) torchNote = 'skipped (--no-torch)';
  else {
    const availability = await torchAvailability(options.torch?.python);
    if ('missing' in availability) torchNote = `not measured: ${availability.missing}`;
    else torchVersion = availability.version;
  }
  const anchor = (plain: boolean) =>
    torchNote === null && options.torch !== false
      ? runTorchAnchor({ ...options.torch, batchSize, steps, warmupSteps, frames: frames(model), plain })
      : Promise.resolve(null);
  const rounds: StepBenchRound[] = [];
  for (let round = 1; round <= (options.rounds ?? 3); round++) {
    const skelnorm: BenchResult[] = [];
    for (const { workers, personSparse } of configurations) {
      skelnorm.push(await benchTrainingThroughput({
        workers, batchSize, steps, warmupSteps, twoPersonEvery, profile: options.profile ?? false,
        backend: options.backend ?? 'auto',
        model: { ...model, options: { ...model.options, personSparse } },
      }));
    }
    const result = { skelnorm, pytorch: await anchor(false), pytorchPlain: await anchor(true) };
    rounds.push(result);
    options.onRound?.(round, result);
  }
  const tuned = anchorSummary(rounds.flatMap((r) => (r.pytorch ? [r.pytorch] : [])), batchSize);
  const plain = anchorSummary(rounds.flatMap((r) => (r.pytorchPlain ? [r.pytorchPlain] : [])), batchSize);
  const ours = configurations.map(({ workers, personSparse }, i): StepBenchSummary => {
    const roundsMsPerStep = rounds.map((r) => r.skelnorm[i]!.medianMsPerStep);
    const ms = median(roundsMsPerStep);
    return {
      runner: 'skelnorm', workers, personSparse, engine: rounds[0]?.skelnorm[i]?.engine ?? '-',
      msPerStep: ms, samplesPerSecond: (batchSize * 1000) / ms,
      vsTuned: tuned ? tuned.msPerStep / ms : null, vsPlain: plain ? plain.msPerStep / ms : null, roundsMsPerStep,
      cpuMsPerStep: median(rounds.map((r) => r.skelnorm[i]!.medianCpuMsPerStep)),
    };
  });
  return {
    batchSize, steps, warmupSteps, twoPersonEvery, torch: torchVersion, torchNote, rounds,
    summary: [...ours, ...(tuned ? [tuned] : []), ...(plain ? [plain] : [])],
  };
}

function anchorSummary(results: readonly TorchAnchorResult[], batchSize: number): StepBenchSummary | undefined {
  if (results.length === 0) return undefined;
  const roundsMsPerStep = results.map((r) => r.medianMsPerStep);
  const ms = median(roundsMsPerStep);
  return {
    runner: results[0]!.runner, workers: null, personSparse: null, engine: `torch ${results[0]!.torch}, ${results[0]!.threads} threads`,
    msPerStep: ms, samplesPerSecond: (batchSize * 1000) / ms, vsTuned: null, vsPlain: null, roundsMsPerStep, cpuMsPerStep: null,
  };
}

function frames(model: ModelSpec): number {
  const t = model.options?.['frames'];
  return typeof t === 'number' ? t : 64;
}
