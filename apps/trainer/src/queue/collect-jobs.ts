import { Queue, QueueEvents, type Job } from 'bullmq';
import type { CommandIO } from '../command.js';
import { JOB_OPTIONS, QUEUE_NAME, QUEUE_PREFIX } from './job-queue.js';
import { JobBars } from './job-bars.js';
import type { JobProgressReport } from './job-progress.js';
import type { QueueUrl } from './queue-url.js';
import { connectRedis, describeError } from './redis-connection.js';

/** One job as the coordinator enqueues it. `id` is deterministic: a hash of everything the job depends on. */
export interface QueuedJob<D> {
  readonly id: string;
  /** For people: `seed-bn seed 0`. */
  readonly label: string;
  readonly data: D;
}

export interface CollectOptions<D, R> {
  readonly url: QueueUrl;
  readonly io: CommandIO;
  readonly jobs: readonly QueuedJob<D>[];
  /** Reads a finished job's stored result (its BullMQ return value); throws when it is not one. */
  readonly decode: (value: unknown, jobId: string) => R;
  /** A job's result, once per job: `reused` when it had finished before this command started. */
  readonly onResult: (job: QueuedJob<D>, result: R, reused: boolean) => Promise<void>;
  /** A job that failed for good (every attempt), once per job. */
  readonly onFailure: (job: QueuedJob<D>, reason: string) => Promise<void>;
  /** Ctrl-C: stop waiting, withdraw the jobs no worker has started. */
  readonly signal?: AbortSignal;
  /** How often every unfinished job's state is read back, for events missed (e.g. across a Redis restart). */
  readonly pollMs?: number;
}

export interface CollectOutcome {
  readonly interrupted: boolean;
  /** Jobs taken off the queue at Ctrl-C (no worker had started them). */
  readonly withdrawn: number;
  /** Jobs still on workers at Ctrl-C: they finish and their results stay in Redis for a rerun. */
  readonly running: number;
  readonly reused: number;
}

const WAITING = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Enqueues `jobs` (those already in the queue are not added twice: same id), reuses the ones that
 * finished earlier, retries the ones that failed earlier, and waits for the rest, showing one
 * progress bar per running job. Every job is handed to `onResult` or `onFailure` exactly once.
 * Events drive the wait; a poll every `pollMs` reads the states back, so a missed event (or a job
 * lost by a Redis restarted without its data, which is enqueued again) never leaves it waiting.
 */
export async function collectJobs<D, R>(options: CollectOptions<D, R>): Promise<CollectOutcome> {
  const { io, url } = options;
  const redis = await connectRedis(url, io);
  // Untyped: BullMQ's generics cannot follow a data type that is itself a parameter.
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: QUEUE_PREFIX });
  // QueueEvents blocks on its connection (XREAD BLOCK): it gets one of its own.
  const eventsConnection = redis.duplicate();
  const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection, prefix: QUEUE_PREFIX });
  const bars = new JobBars(io);
  const pending = new Map(options.jobs.map((job) => [job.id, job]));
  /** `job id + worker` pairs already announced (a job that lost its lock may briefly report from two workers). */
  const announced = new Set<string>();
  let reused = 0;
  // Results are handed on one at a time, in the order they arrive (the table file is rewritten each time).
  let handing: Promise<void> = Promise.resolve();
  let wake: () => void = () => undefined;
  let fault: unknown;

  /** Takes a finished job off `pending` (synchronously first: an event and a poll never both hand it on). */
  const settle = (job: Job, state: 'completed' | 'failed', wasReused: boolean) => {
    const queued = pending.get(job.id!);
    if (!queued) return;
    pending.delete(job.id!);
    bars.finish(job.id!);
    handing = handing
      .then(() => {
        // The callbacks print: the bars step aside and come back after.
        bars.hold();
        return state === 'completed'
          ? options.onResult(queued, options.decode(job.returnvalue, job.id!), wasReused)
          : options.onFailure(queued, job.failedReason || 'failed without a reason');
      })
      .catch((error: unknown) => {
        fault ??= error;
      })
      .finally(() => {
        bars.release();
        wake();
      });
  };

  // BullMQ's job name is for dashboards; the label says what the job is.
  const enqueue = async (queued: QueuedJob<D>) => queue.add(queued.label, queued.data, { ...JOB_OPTIONS, jobId: queued.id });

  /** What the queue already holds of a job, before this command adds it: reuse, retry, or wait. */
  const adopt = async (queued: QueuedJob<D>) => {
    const job = await queue.getJob(queued.id);
    const state = job ? await job.getState() : 'missing';
    if (!job || state === 'unknown' || state === 'missing') {
      await enqueue(queued);
    } else if (state === 'completed') {
      reused += 1;
      bars.log(`${queued.label}: finished earlier (job ${queued.id}); reusing its result`);
      settle(job, 'completed', true);
    } else if (state === 'failed') {
      bars.log(`${queued.label}: failed earlier (${job.failedReason}); trying again`);
      await job.retry('failed');
    } else {
      bars.log(`${queued.label}: already in the queue (${state}, enqueued earlier); waiting for it`);
    }
  };

  /** Reads a job's state back and hands it on when it is done (events may be missed). */
  const check = async (queued: QueuedJob<D>) => {
    const job = await queue.getJob(queued.id);
    if (!pending.has(queued.id)) return;
    if (!job) {
      bars.err(`${queued.label}: job ${queued.id} is no longer in Redis (restarted without its data, or removed); enqueuing it again`);
      await enqueue(queued);
      return;
    }
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') settle(job, state, false);
  };

  const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
    const queued = pending.get(jobId);
    if (!queued || typeof data !== 'object' || data === null) return;
    const report = data as JobProgressReport;
    if (!announced.has(`${jobId} ${report.worker}`)) {
      announced.add(`${jobId} ${report.worker}`);
      bars.log(`${queued.label}: running on ${report.worker}`);
    }
    bars.update(jobId, report);
  };
  const onStalled = ({ jobId }: { jobId: string }) => {
    const queued = pending.get(jobId);
    if (!queued) return;
    bars.finish(jobId);
    bars.err(`${queued.label}: its worker stopped answering (lock expired); the job goes back to the queue for another worker`);
  };
  const onFinished = ({ jobId, failedReason }: { jobId: string; failedReason?: string }) => {
    const queued = pending.get(jobId);
    if (!queued) return;
    if (failedReason !== undefined) bars.err(`${queued.label}: ${failedReason}`);
    check(queued).catch((error: unknown) => {
      fault ??= error;
      wake();
    });
  };
  events.on('progress', onProgress);
  events.on('stalled', onStalled);
  events.on('completed', onFinished);
  events.on('failed', onFinished);
  events.on('error', () => undefined); // the connection reports outages

  let interrupted = false;
  let withdrawn = 0;
  let running = 0;
  try {
    await events.waitUntilReady();
    for (const queued of options.jobs) {
      // Ctrl-C while enqueueing: the rest is never added.
      if (options.signal?.aborted) break;
      await adopt(queued);
    }
    bars.log(`queue ${url.text}: ${options.jobs.length} jobs, ${reused} finished earlier, ${pending.size} to train (start workers with: skelnorm worker --queue ${url.text})`);
    await new Promise<void>((resolve) => {
      let polling = false;
      const stop = () => {
        clearInterval(timer);
        options.signal?.removeEventListener('abort', stop);
        resolve();
      };
      wake = () => {
        if ((pending.size === 0 && !polling) || fault !== undefined) void handing.then(stop);
      };
      const timer = setInterval(() => {
        if (polling) return;
        polling = true;
        Promise.all([...pending.values()].map((queued) => check(queued)))
          .catch((error: unknown) => {
            fault ??= error;
          })
          .finally(() => {
            polling = false;
            wake();
          });
      }, options.pollMs ?? 5000);
      options.signal?.addEventListener('abort', stop);
      if (options.signal?.aborted) stop();
      wake();
    });
    await handing;
    if (fault !== undefined) throw fault;
    if (options.signal?.aborted && pending.size > 0) {
      interrupted = true;
      for (const queued of pending.values()) {
        const job = await queue.getJob(queued.id);
        const state = job ? await job.getState() : 'missing';
        if (job && WAITING.has(state)) {
          // Removal fails on a job a worker has just locked: that one counts as running.
          const removed = await job.remove().then(() => true, () => false);
          if (removed) withdrawn += 1;
          else running += 1;
        } else if (state === 'active') {
          running += 1;
        }
      }
    }
    return { interrupted, withdrawn, running, reused };
  } catch (error) {
    throw new Error(`the job queue at ${url.text}: ${describeError(error)}`);
  } finally {
    bars.clear();
    await events.close().catch(() => undefined);
    await queue.close().catch(() => undefined);
    eventsConnection.disconnect();
    redis.disconnect();
  }
}
