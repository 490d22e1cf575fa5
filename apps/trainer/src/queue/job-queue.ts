import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { TrainConfig } from '../training/train-config.js';
import type { JobsOptions } from 'bullmq';

/** Bumped when a job's meaning changes, so that results of an older format are never reused. */
export const JOB_FORMAT = 1;

/** The BullMQ queue every `skelnorm` job goes through, and the prefix of its Redis keys. */
export const QUEUE_NAME = 'jobs';
export const QUEUE_PREFIX = 'skelnorm';

/**
 * Results are kept in Redis (never removed on completion): a rerun of the same command finds them
 * under the same job ids. A failed job is retried a few times (another worker may have the data);
 * a job whose worker died goes back to the queue when its lock expires (BullMQ's stalled check).
 */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'fixed', delay: 1000 },
  removeOnComplete: false,
  removeOnFail: false,
};

/**
 * A job's id: a readable name and a hash of everything the job depends on. The same command
 * enqueued again gets the same ids, so BullMQ keeps one job per run (never two results for one)
 * and a rerun finds the finished ones.
 */
export function contentJobId(name: string, inputs: unknown): string {
  return `${name}-${createHash('sha256').update(canonicalJson(inputs)).digest('hex').slice(0, 16)}`;
}

/** JSON with object keys sorted at every level: equal values give equal text, whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/**
 * A configuration as every worker can use it: the paths it names (a `dir` data source, `--init`)
 * travel absolute, since the workers' working folders differ.
 */
export function portableConfig(config: TrainConfig): TrainConfig {
  return {
    ...config,
    ...(config.data.kind === 'dir' && { data: { kind: 'dir' as const, path: resolve(config.data.path) } }),
    ...(config.init !== undefined && { init: resolve(config.init) }),
  };
}
