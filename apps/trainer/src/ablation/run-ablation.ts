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
  const test = await evaluate(model, data.testBatches(config.evalBatchSize), options);
  const trainEval = await evaluate(model, data.trainEvalBatches(config.evalBatchSize), options);
  // Batch statistics with the training batch size: what the layers saw in training.
  const batchStats = await evaluate(model, data.statisticsBatches('test', config.batchSize), { ...options, batchStatistics: true });
  return { runningTrainAccuracy, trainAccuracyEval: trainEval.top1, testAccuracy: test.top1, testAccuracyBatchStats: batchStats.top1 };
}

const failed = (variant: string, seed: number, error: unknown, seconds: number): AblationRun => ({
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
  const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);
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

/**
 * Trains every (seed, variant) pair, seed-major so that a complete table for the first seed
 * exists early. Variants that `derive` from the seed's model reuse its training: they are
 * measured right after `seed-bn` of the same seed, each on its own copy of the seed's trained model.
 */
export async function runAblation(plan: AblationPlan): Promise<AblationRun[]> {
  const { io, data } = plan;
  const runs: AblationRun[] = [];
  const progress = new ProgressDisplay(io);
  const trained = plan.variants.filter((v) => v.apply);
  const derived = plan.variants.filter((v) => v.derive);
  const needSeedModel = derived.length > 0;
  const total = plan.seeds.length * plan.variants.length;
  const started = performance.now();
  const record = async (run: AblationRun) => {
    runs.push(run);
    const acc = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');
    const elapsed = (performance.now() - started) / 1000;
    // Rough: derived rows are cheap, trained ones are not; good enough for "how long still".
    const left = runs.length < total ? `, about ${formatDuration((elapsed / runs.length) * (total - runs.length))} left` : '';
    progress.log(
      run.error
        ? `[${runs.length}/${total}] ${run.variant} seed ${run.seed}: FAILED: ${run.error}`
        : `[${runs.length}/${total}] ${run.variant} seed ${run.seed}: train ${acc(run.runningTrainAccuracy)} (running) / ${acc(run.trainAccuracyEval)} (eval mode), test ${acc(run.testAccuracy)}, test with batch stats ${acc(run.testAccuracyBatchStats)}, ${run.seconds.toFixed(0)} s (elapsed ${formatDuration(elapsed)}${left})`,
    );
    await plan.onRun?.(runs);
  };

  for (const seed of plan.seeds) {
    const jobs = [...trained];
    // The seed's own run is needed by the derived variants even when it is not a row.
    const seedVariant = plan.variants.find((v) => v.name === 'seed-bn');
    if (needSeedModel && !seedVariant) jobs.unshift({ name: 'seed-bn', description: '', apply: (s) => s });
    for (const variant of jobs) {
      if (plan.signal?.aborted) return runs;
      const config: TrainConfig = { ...variant.apply!(plan.seedConfig), seed };
      const started = performance.now();
      const label = `${variant.name} seed ${seed}`;
      let model: SkeletonModel | undefined;
      try {
        const run = await RunFolder.open(`${plan.dir}/runs/${variant.name}-seed${seed}`);
        await run.writeConfig(config);
        const outcome = await trainModel(config, {
          data,
          run,
          progress,
          label,
          logEpochs: false,
          evaluate: false,
          checkpoints: false,
          ...(plan.signal ? { signal: plan.signal } : {}),
        });
        model = outcome.model;
        if (outcome.recorder.error) throw outcome.recorder.error.error;
        if (outcome.interrupted) return runs;
        const lastEpoch = outcome.recorder.history.epochs.at(-1);
        const running = lastEpoch?.trainAccuracy ?? Number.NaN;
        const trainSeconds = (performance.now() - started) / 1000;
        if (plan.variants.includes(variant)) {
          await record({ variant: variant.name, seed, ...(await measure(model, data, config, running)), seconds: (performance.now() - started) / 1000 });
        }
        if (variant.name === 'seed-bn') {
          for (const d of derived) {
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
              await record({ variant: d.name, seed, ...(await measure(copy, data, config, running)), seconds: trainSeconds + extra, ...(doctor && { doctor }) });
            } catch (error) {
              await record(failed(d.name, seed, error, (performance.now() - t0) / 1000));
            } finally {
              copy?.dispose();
            }
          }
        }
      } catch (error) {
        if (plan.variants.includes(variant)) await record(failed(variant.name, seed, error, (performance.now() - started) / 1000));
        if (variant.name === 'seed-bn') for (const d of derived) await record(failed(d.name, seed, `the seed's run failed: ${String(error)}`, 0));
      } finally {
        model?.dispose();
      }
    }
  }
  progress.clear();
  return runs;
}
