import { rebuildModel, type SkeletonModel } from '@skelnorm/models';
import { recalibrate, type RepairResult } from '@skelnorm/norm';
import { evaluate } from '@skelnorm/trainer';
import type { CommandIO } from '../command.js';
import { ProgressDisplay } from '../progress/progress-display.js';
import { formatDuration } from '../report/run-report.js';
import { RunFolder } from '../run/run-folder.js';
import { repairOnTrainingData } from '../training/repair-model.js';
import type { TrainConfig } from '../training/train-config.js';
import { trainModel } from '../training/train-model.js';
import { disposingBatches, type TrainingData } from '../training/training-data.js';
import type { AblationRun } from './ablation-table.js';
import type { AblationVariant } from './variants.js';
import { percent as pct } from '../report/percent.js';

export interface AblationPlan {
  /** The seed's configuration (`seed-bn`); each variant changes one thing. */
  readonly seedConfig: TrainConfig;
  readonly variants: readonly AblationVariant[];
  readonly seeds: readonly number[];
  readonly data: TrainingData;
  /** Per-run `metrics.jsonl` folders go under `<dir>/runs/`. */
  readonly dir: string;
  readonly io: CommandIO;
  /** Called after every finished run with all runs so far (to rewrite the table). */
  readonly onRun?: (runs: readonly AblationRun[]) => Promise<void>;
  readonly signal?: AbortSignal;
}

/** What a finished model measures on the ablation's four accuracy columns. */
async function measure(
  model: SkeletonModel,
  data: TrainingData,
  config: TrainConfig,
  runningTrainAccuracy: number,
): Promise<Omit<AblationRun, 'variant' | 'seed' | 'seconds'>> {
  const options = { numClasses: data.numClasses };
  const test = await evaluate(model, data.testBatches(config.evalBatchSize, { clips: config.testClips ?? 1 }), options);
  const trainEval = await evaluate(model, data.trainEvalBatches(config.evalBatchSize), options);
  // Batch statistics with the training batch size: what the layers saw in training.
  const batchStats = await evaluate(model, data.statisticsBatches('test', config.batchSize), { ...options, batchStatistics: true });
  return { runningTrainAccuracy, trainAccuracyEval: trainEval.top1, testAccuracy: test.top1, testAccuracyBatchStats: batchStats.top1 };
}

/** A row for a run that did not finish: NaN numbers and the first line of the error. */
export const failedRun = (variant: string, seed: number, error: unknown, seconds: number): AblationRun => ({
  variant,
  seed,
  runningTrainAccuracy: Number.NaN,
  trainAccuracyEval: Number.NaN,
  testAccuracy: Number.NaN,
  testAccuracyBatchStats: Number.NaN,
  seconds,
  // Errors from worker replicas carry their stack in the message: keep the first line.
  error: (error instanceof Error ? error.message : String(error)).split('\n')[0]!,
});

/** One line: the candidates' held-out scores, the cause of the gap, the shared layers and what the repair kept. */
function doctorLine(repair: RepairResult): string {
  const s = repair.scores;
  const b = repair.breakdown;
  const shared = repair.before.layers.filter((l) => l.verdict === 'shared-between-distributions');
  return [
    s && `held-out accuracy (a) running ${pct(s.running.accuracy)}, (a') converged ${pct(s.converged.accuracy)}, (b) PreciseBN ${pct(s.precise.accuracy)}, (c) per-slot ${pct(s.perSlot?.accuracy)}, (d) batch statistics ${pct(s.batchStatistics.accuracy)}`,
    b && `gap by cause: lag ${(b.lag * 100).toFixed(1)}, batch averages vs population ${(b.exact * 100).toFixed(1)}, blend ${(b.blend * 100).toFixed(1)} points`,
    shared.length > 0
      ? `shared: ${shared.map((l) => `${l.name} (worst call site ${l.sharing?.max.toFixed(2)}σ, ${l.sharing?.channelsOver}/${l.sharing?.channels} channels)`).join(', ')}`
      : 'no layer found shared',
    `kept: ${repair.chosen}`,
  ]
    .filter(Boolean)
    .join('; ');
}

/** One training of the ablation: a trained variant at one seed, and the rows measured on its model. */
export interface AblationTraining {
  /** The variant trained (`seed-bn` also when only its derived variants are rows). */
  readonly variant: string;
  readonly seed: number;
  /** The seed's configuration with the variant's change and the seed applied: all a run depends on. */
  readonly config: TrainConfig;
  /** Whether the trained variant is itself a row of the table. */
  readonly row: boolean;
  /** Variants measured on copies of this training's model, without retraining (after `seed-bn` only). */
  readonly derived: readonly AblationVariant[];
}

/** The seed's own training, for derived variants when `seed-bn` is not a row. */
const SEED_TRAINING: AblationVariant = { name: 'seed-bn', description: '', apply: (s) => s };

/**
 * The trainings of an ablation, seed-major (a complete table for the first seed exists early).
 * Variants that `derive` from the seed's model ride on the `seed-bn` training of their seed.
 * One list for both paths: this process (`runAblation`) and the job queue (one job per training).
 */
export function planAblation(seedConfig: TrainConfig, variants: readonly AblationVariant[], seeds: readonly number[]): AblationTraining[] {
  const derived = variants.filter((v) => v.derive);
  const trained = variants.filter((v) => v.apply);
  // The seed's own run is needed by the derived variants even when it is not a row.
  if (derived.length > 0 && !trained.some((v) => v.name === 'seed-bn')) trained.unshift(SEED_TRAINING);
  return seeds.flatMap((seed) =>
    trained.map((v) => ({
      variant: v.name,
      seed,
      config: { ...v.apply!(seedConfig), seed },
      row: variants.includes(v),
      derived: v.name === 'seed-bn' ? derived : [],
    })),
  );
}

/** The variant names of the rows one training yields, in the order it records them. */
export const trainingRows = (t: AblationTraining): string[] => [...(t.row ? [t.variant] : []), ...t.derived.map((d) => d.name)];

export interface AblationTrainingContext {
  readonly data: TrainingData;
  /** Its `metrics.jsonl` and `config.json` go here. */
  readonly runDir: string;
  readonly progress: ProgressDisplay;
  readonly signal?: AbortSignal;
  /** Called with every row as it is measured (failed ones included). */
  readonly record: (run: AblationRun) => Promise<void>;
  /** Called with the trained model before any row is recorded (a failure fails the rows): `--checkpoints`. */
  readonly onTrained?: (model: SkeletonModel, modelOptions: Record<string, unknown>) => Promise<void>;
}

/**
 * Trains one (variant, seed) and records its rows: the variant's own, then each derived variant
 * measured on its own copy of the trained model. A failed training is recorded as failed rows,
 * not thrown. Returns whether `signal` cut the training short (then nothing is recorded).
 */
export async function runAblationTraining(t: AblationTraining, ctx: AblationTrainingContext): Promise<{ readonly interrupted: boolean }> {
  const { data } = ctx;
  const { config } = t;
  const started = performance.now();
  let model: SkeletonModel | undefined;
  try {
    const run = await RunFolder.open(ctx.runDir);
    await run.writeConfig(config);
    const outcome = await trainModel(config, {
      data,
      run,
      progress: ctx.progress,
      label: `${t.variant} seed ${t.seed}`,
      logEpochs: false,
      evaluate: false,
      checkpoints: false,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    model = outcome.model;
    if (outcome.recorder.error) throw outcome.recorder.error.error;
    if (outcome.interrupted) return { interrupted: true };
    // Before any row is recorded: a failure here fails the training's rows, never adds a second one.
    await ctx.onTrained?.(model, outcome.modelOptions);
    const lastEpoch = outcome.recorder.history.epochs.at(-1);
    const running = lastEpoch?.trainAccuracy ?? Number.NaN;
    const trainSeconds = (performance.now() - started) / 1000;
    if (t.row) {
      await ctx.record({ variant: t.variant, seed: t.seed, ...(await measure(model, data, config, running)), seconds: (performance.now() - started) / 1000 });
    }
    for (const d of t.derived) {
      const t0 = performance.now();
      // Each fix starts from the weights and statistics as trained, as a user's checkpoint would.
      let copy: SkeletonModel | undefined = rebuildModel(model);
      let doctor: string | undefined;
      try {
        if (d.derive === 'precise-bn') {
          await recalibrate(copy, disposingBatches(data.statisticsBatches('train', config.batchSize)));
        } else {
          // The doctor's repair, in memory (nothing is saved).
          const repaired = await repairOnTrainingData(copy, data, config.batchSize, config.evalBatchSize);
          copy = repaired.model;
          doctor = doctorLine(repaired);
        }
        const extra = (performance.now() - t0) / 1000;
        await ctx.record({ variant: d.name, seed: t.seed, ...(await measure(copy, data, config, running)), seconds: trainSeconds + extra, ...(doctor && { doctor }) });
      } catch (error) {
        await ctx.record(failedRun(d.name, t.seed, error, (performance.now() - t0) / 1000));
      } finally {
        copy?.dispose();
      }
    }
  } catch (error) {
    if (t.row) await ctx.record(failedRun(t.variant, t.seed, error, (performance.now() - started) / 1000));
    for (const d of t.derived) await ctx.record(failedRun(d.name, t.seed, `the seed's run failed: ${String(error)}`, 0));
  } finally {
    model?.dispose();
  }
  return { interrupted: false };
}

/** Trains every training of `planAblation` in this process, one after the other. */
export async function runAblation(plan: AblationPlan): Promise<AblationRun[]> {
  const { io } = plan;
  const runs: AblationRun[] = [];
  const progress = new ProgressDisplay(io);
  const total = plan.seeds.length * plan.variants.length;
  const started = performance.now();
  const record = async (run: AblationRun) => {
    runs.push(run);
    const elapsed = (performance.now() - started) / 1000;
    // Rough: derived rows are cheap, trained ones are not; good enough for "how long still".
    const left = runs.length < total ? `, about ${formatDuration((elapsed / runs.length) * (total - runs.length))} left` : '';
    progress.log(`[${runs.length}/${total}] ${describeRun(run)}${run.error ? '' : ` (elapsed ${formatDuration(elapsed)}${left})`}`);
    await plan.onRun?.(runs);
  };
  for (const t of planAblation(plan.seedConfig, plan.variants, plan.seeds)) {
    if (plan.signal?.aborted) return runs;
    const { interrupted } = await runAblationTraining(t, {
      data: plan.data,
      runDir: `${plan.dir}/runs/${t.variant}-seed${t.seed}`,
      progress,
      record,
      ...(plan.signal ? { signal: plan.signal } : {}),
    });
    if (interrupted) return runs;
  }
  progress.clear();
  return runs;
}

/** `seed-bn seed 0: train 81.2% (running) / ...`, or `...: FAILED: why`: one finished row for a log. */
export function describeRun(run: AblationRun): string {
  const acc = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');
  return run.error
    ? `${run.variant} seed ${run.seed}: FAILED: ${run.error}`
    : `${run.variant} seed ${run.seed}: train ${acc(run.runningTrainAccuracy)} (running) / ${acc(run.trainAccuracyEval)} (eval mode), test ${acc(run.testAccuracy)}, test with batch stats ${acc(run.testAccuracyBatchStats)}, ${run.seconds.toFixed(0)} s`;
}
