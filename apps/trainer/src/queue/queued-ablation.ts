import type { AblationRun } from '../ablation/ablation-table.js';
import { describeRun, failedRun, planAblation, type AblationPlan } from '../ablation/run-ablation.js';
import { RunFolder } from '../run/run-folder.js';
import { ablationJobData, ablationJobId, decodeJobResult, jobRows, type AblationJobData, type AblationJobResult } from './ablation-job.js';
import { collectJobs, type QueuedJob } from './collect-jobs.js';
import type { QueueUrl } from './queue-url.js';

export interface QueuedAblationPlan extends AblationPlan {
  readonly url: QueueUrl;
  /** A folder every worker can write; each trained model is saved there. */
  readonly checkpointDir?: string;
}

export interface QueuedAblationOutcome {
  /** In the one-machine order (seed-major, table order), whatever order the workers finished in. */
  readonly runs: AblationRun[];
  readonly interrupted: boolean;
  /** For the table: who trained, what was reused, what Ctrl-C left. */
  readonly notes: string[];
}

/**
 * `skelnorm ablate --queue`: the same trainings as `runAblation` (one `planAblation`), one job
 * each, trained by `skelnorm worker` processes anywhere; each result's rows and metrics land in
 * the ablation folder as the one-machine run writes them (`runs/<variant>-seed<seed>/`).
 */
export async function runQueuedAblation(plan: QueuedAblationPlan): Promise<QueuedAblationOutcome> {
  const { io } = plan;
  const trainings = planAblation(plan.seedConfig, plan.variants, plan.seeds);
  const data = { fingerprint: plan.data.fingerprint(), description: plan.data.description };
  const jobs: QueuedJob<AblationJobData>[] = trainings.map((t) => {
    const spec = ablationJobData(t, data, plan.checkpointDir);
    return { id: ablationJobId(spec), label: `${t.variant} seed ${t.seed}`, data: spec };
  });
  const results = new Map<string, AblationRun[]>();
  const workers = new Map<string, number>();
  const checkpoints: string[] = [];
  const total = plan.seeds.length * plan.variants.length;
  let done = 0;
  const ordered = () => jobs.flatMap((job) => results.get(job.id) ?? []);
  const take = async (job: QueuedJob<AblationJobData>, rows: readonly AblationRun[], where: string) => {
    results.set(job.id, [...rows]);
    for (const row of rows) io.out(`[${++done}/${total}] ${describeRun(row)} (${where})`);
    await plan.onRun?.(ordered());
  };

  const outcome = await collectJobs({
    url: plan.url,
    io,
    jobs,
    decode: decodeJobResult,
    ...(plan.signal ? { signal: plan.signal } : {}),
    onResult: async (job, result: AblationJobResult, reused) => {
      const run = await RunFolder.open(`${plan.dir}/runs/${job.data.variant}-seed${job.data.seed}`);
      await run.writeConfig(job.data.config);
      await run.writeText('metrics.jsonl', result.metrics);
      const who = `${result.worker.host} pid ${result.worker.pid}, ${result.worker.backend}, ${result.worker.workers} worker thread${result.worker.workers === 1 ? '' : 's'}`;
      workers.set(who, (workers.get(who) ?? 0) + 1);
      if (result.checkpoint) checkpoints.push(result.checkpoint);
      // One row per (variant, seed), whatever a worker sent: a result with other rows is a failed job.
      const expected = jobRows(job.data);
      const got = result.rows.map((r) => `${r.variant} seed ${r.seed}`);
      if (got.join() !== expected.map((v) => `${v} seed ${job.data.seed}`).join()) {
        const why = `job ${job.id}: its result holds rows ${got.join(', ') || 'none'}, not ${expected.join(', ')} of seed ${job.data.seed}`;
        await take(job, expected.map((variant) => failedRun(variant, job.data.seed, why, 0)), `on ${result.worker.host} pid ${result.worker.pid}`);
        return;
      }
      await take(job, result.rows, `${reused ? 'reused, ' : ''}on ${result.worker.host} pid ${result.worker.pid}`);
    },
    onFailure: async (job, reason) => {
      await take(job, jobRows(job.data).map((variant) => failedRun(variant, job.data.seed, `job ${job.id}: ${reason}`, 0)), 'failed on every attempt');
    },
  });
  const notes = [
    `trained as ${jobs.length} jobs on ${plan.url.text}${outcome.reused > 0 ? ` (${outcome.reused} finished by an earlier run and reused)` : ''}; by ${[...workers].map(([who, n]) => `${who} (${n} job${n === 1 ? '' : 's'})`).join('; ') || 'no worker yet'}`,
    ...(checkpoints.length > 0 ? [`trained models: ${checkpoints.join(', ')}`] : []),
    ...(outcome.interrupted
      ? [`interrupted: ${outcome.withdrawn} job${outcome.withdrawn === 1 ? '' : 's'} withdrawn from the queue, ${outcome.running} still running on workers (their results stay in Redis: run the same command again to collect them)`]
      : []),
  ];
  if (outcome.interrupted) io.err(notes.at(-1)!);
  return { runs: ordered(), interrupted: outcome.interrupted, notes };
}
