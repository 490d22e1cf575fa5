import { resolve } from 'node:path';
import type { AblationRun } from '../ablation/ablation-table.js';
import { trainingRows, type AblationTraining } from '../ablation/run-ablation.js';
import { jsonReplacer } from '../run/run-folder.js';
import type { TrainConfig } from '../training/train-config.js';
import { contentJobId, JOB_FORMAT, portableConfig } from './job-queue.js';

/**
 * Everything a worker needs to reproduce one training of an ablation, on any machine: the full
 * configuration (data reference included: the synthetic set's parameters, or an absolute path
 * every machine can read), which rows to measure, and the data's content hash, which a worker
 * checks before training, so a machine with other data refuses the job instead of mixing it in.
 */
export interface AblationJobData {
  readonly format: typeof JOB_FORMAT;
  readonly kind: 'ablation';
  readonly variant: string;
  readonly seed: number;
  readonly config: TrainConfig;
  /** Whether the trained variant is a row itself. */
  readonly row: boolean;
  /** Names of the variants measured on copies of the trained model (after `seed-bn`). */
  readonly derived: readonly string[];
  /** `TrainingData.fingerprint()` of the coordinator's data. */
  readonly dataFingerprint: string;
  readonly dataDescription: string;
  /** A folder every worker can write: the trained model is saved there as `<job id>.safetensors`. */
  readonly checkpointDir?: string;
}

/** Who ran a job, with what. */
export interface JobWorker {
  readonly host: string;
  readonly pid: number;
  readonly backend: string;
  /** Data-parallel worker threads the training used (the job's own unless the worker was told otherwise). */
  readonly workers: number;
}

/** What a finished job leaves in Redis (its BullMQ return value): the rows, the metrics, who made them. */
export interface AblationJobResult {
  readonly format: typeof JOB_FORMAT;
  readonly jobId: string;
  readonly rows: readonly AblationRun[];
  /** The run's `metrics.jsonl`, as the one-machine ablation writes it under `runs/<variant>-seed<seed>/`. */
  readonly metrics: string;
  readonly worker: JobWorker;
  /** Where the trained model was saved, with `checkpointDir`. */
  readonly checkpoint?: string;
}

/** The job of one training, its paths made absolute (`portableConfig`). */
export function ablationJobData(t: AblationTraining, data: { readonly fingerprint: string; readonly description: string }, checkpointDir?: string): AblationJobData {
  const config = portableConfig(t.config);
  return {
    format: JOB_FORMAT,
    kind: 'ablation',
    variant: t.variant,
    seed: t.seed,
    config,
    row: t.row,
    derived: t.derived.map((d) => d.name),
    dataFingerprint: data.fingerprint,
    dataDescription: data.description,
    ...(checkpointDir !== undefined ? { checkpointDir: resolve(checkpointDir) } : {}),
  };
}

/** `seed-bn-seed0-<hash of every input>` (`contentJobId`; the description is not an input). */
export function ablationJobId(job: AblationJobData): string {
  const { dataDescription: _d, ...inputs } = job;
  return contentJobId(`${job.variant}-seed${job.seed}`, inputs);
}

/** The rows a job yields, in the order the one-machine ablation records them. */
export const jobRows = (job: AblationJobData): string[] => trainingRows({ ...job, derived: job.derived.map((name) => ({ name, description: '' })) });

const NUMBERS = ['runningTrainAccuracy', 'trainAccuracyEval', 'testAccuracy', 'testAccuracyBatchStats', 'seconds'] as const;

/** The result as text: NaN of a failed row survives (plain JSON would turn it into null). */
export function encodeJobResult(result: AblationJobResult): string {
  return JSON.stringify(result, jsonReplacer);
}

/** Reads a result back; anything that is not one (another format, a foreign job) is an error that says so. */
export function decodeJobResult(text: unknown, jobId: string): AblationJobResult {
  let value: Partial<AblationJobResult> | undefined;
  try {
    value = typeof text === 'string' ? (JSON.parse(text) as Partial<AblationJobResult>) : undefined;
  } catch {
    value = undefined;
  }
  if (!value || value.format !== JOB_FORMAT || !Array.isArray(value.rows) || typeof value.metrics !== 'string' || !value.worker) {
    throw new Error(`job ${jobId}: its stored result is not a skelnorm ablation result of format ${JOB_FORMAT} (${String(text).slice(0, 80)})`);
  }
  const rows = value.rows.map((row) => {
    const fixed: Record<string, unknown> = { ...row };
    for (const key of NUMBERS) fixed[key] = Number(fixed[key]);
    return fixed as unknown as AblationRun;
  });
  return { ...(value as AblationJobResult), rows };
}
