import { Worker } from 'bullmq';
import type { CommandIO } from '../command.js';
import type { BackendFlag } from '../training/train-config.js';
import type { AblationJobData } from './ablation-job.js';
import type { TrainJobData } from './train-job.js';
import { QUEUE_NAME, QUEUE_PREFIX } from './job-queue.js';
import { JobProcessor, LOCK_LOST, STOP_NOW } from './job-processor.js';
import type { QueueUrl } from './queue-url.js';
import { connectRedis, describeError } from './redis-connection.js';

export interface JobWorkerOptions {
  readonly url: QueueUrl;
  readonly io: CommandIO;
  /**
   * How long a job's lock lasts without renewal: after a worker dies, its job goes back to the
   * queue within about twice this (one lock, one stalled check by a live worker).
   */
  readonly lockSeconds: number;
  readonly workers?: number;
  readonly backend?: BackendFlag;
}

/**
 * One worker process: takes one job at a time from the queue until it is told to stop. The first
 * SIGINT/SIGTERM finishes the running job and stops; the second hands the running job back to
 * the queue and stops; the third exits at once. Returns the exit code.
 */
export async function runJobWorker(options: JobWorkerOptions): Promise<number> {
  const { io, url } = options;
  const redis = await connectRedis(url, io);
  const processor = new JobProcessor({
    io,
    ...(options.workers !== undefined && { workers: options.workers }),
    ...(options.backend !== undefined && { backend: options.backend }),
  });
  const lockMs = Math.round(options.lockSeconds * 1000);
  const worker = new Worker<AblationJobData | TrainJobData, string>(QUEUE_NAME, (job, token, signal) => processor.process(job, token, signal), {
    connection: redis,
    prefix: QUEUE_PREFIX,
    concurrency: 1,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // A job whose worker died a few times (machines rebooted) is still worth another try.
    maxStalledCount: 3,
    autorun: false,
  });
  let lastError = '';
  worker.on('error', (error) => {
    // Connection errors repeat on every retry; the connection itself reports the outage once.
    // A lost lock is reported once, below; BullMQ's follow-up complaints about it say nothing more.
    const text = describeError(error);
    if (text !== lastError && !/ECONNREFUSED|ECONNRESET|Connection is closed|EPIPE|could not renew lock|Lock mismatch|Missing lock/.test(text)) io.err(`worker ${processor.name}: ${text}`);
    lastError = text;
  });
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const id of jobIds) {
      // The lock expired (this process was too busy to renew it): another worker may have the job now.
      io.err(`worker ${processor.name}: lost the lock of job ${id}; stopping its training (the queue gives the job to a worker again)`);
      worker.cancelJob(id, LOCK_LOST);
    }
  });
  worker.on('failed', (job, error) => {
    if (error.name !== 'DelayedError') io.err(`job ${job?.id ?? '?'} failed on ${processor.name}: ${describeError(error)}`);
  });

  let signals = 0;
  const onSignal = () => {
    signals += 1;
    if (signals === 1) {
      io.err(`worker ${processor.name}: stopping after the running job (again: hand it back to the queue now)`);
      void worker.close();
    } else if (signals === 2) {
      io.err(`worker ${processor.name}: handing the running job back to the queue (again: quit at once)`);
      worker.cancelAllJobs(STOP_NOW);
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Started by `worker --concurrency N`: when that process is gone, hand the job back and stop.
  const onOrphaned = () => {
    io.err(`worker ${processor.name}: the worker process that started this one is gone; handing the running job back and stopping`);
    worker.cancelAllJobs(STOP_NOW);
    void worker.close();
  };
  process.once('disconnect', onOrphaned);
  // Redis gone past the outage limit: stop with the message the connection printed.
  const lost = new Promise<'lost'>((resolve) => redis.once('end', () => resolve('lost')));
  try {
    await worker.waitUntilReady();
    io.out(`worker ${processor.name} waiting for jobs on ${url.text} (a dead worker's job goes back to the queue after about ${2 * options.lockSeconds} s)`);
    const outcome = await Promise.race([worker.run().then(() => 'stopped' as const), lost]);
    if (outcome === 'lost') {
      io.err(`worker ${processor.name}: stopped, Redis at ${url.text} is gone`);
      await worker.close(true).catch(() => undefined);
      return 1;
    }
    io.out(`worker ${processor.name} stopped`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('disconnect', onOrphaned);
    // An IPC channel left open would keep this process alive after the worker stopped.
    if (process.connected) process.disconnect();
    redis.disconnect();
  }
}
