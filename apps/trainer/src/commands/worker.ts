import { formatFlags, parseFlags } from '../args/flags.js';
import { UsageError, type Command } from '../command.js';
import { runJobWorker } from '../queue/job-worker.js';
import { parseQueueUrl } from '../queue/queue-url.js';
import { runWorkerProcesses } from '../queue/worker-processes.js';
import { BACKENDS, type BackendFlag } from '../training/train-config.js';

/** Default lock: long enough for a slow step on a busy machine, short enough that a dead worker's job is soon retried. */
export const DEFAULT_LOCK_SECONDS = 30;

const FLAGS = {
  queue: { type: 'string', description: 'the job queue: redis://HOST:PORT[/DB] (the one `skelnorm ablate --queue` fills)', placeholder: 'URL' },
  concurrency: { type: 'int', description: 'jobs this machine trains at once, each in its own process (default 1)', min: 1, placeholder: 'N' },
  workers: { type: 'int', description: "data-parallel worker threads per job (default: the job's own --workers, which reproduces the one-machine numbers)", min: 1, placeholder: 'N' },
  backend: { type: 'choice', choices: BACKENDS, description: "tfjs backend (default: the job's own --backend)" },
  'lock-seconds': {
    type: 'number',
    description: `a job's lock; a killed worker's job goes back to the queue after about twice this (default ${DEFAULT_LOCK_SECONDS})`,
    min: 0.5,
    placeholder: 'S',
  },
} as const;

const usage = `Usage: skelnorm worker --queue redis://HOST:PORT[/DB] [options]

Takes training jobs from the queue that \`skelnorm ablate --queue\` or \`skelnorm train --queue\`
fills, trains them on this machine and stores each result (the table rows and the run's metrics, or
the run folder; the trained model too when the ablation was given --checkpoints) in Redis for the
command that asked. Start one per machine (or --concurrency N for N jobs at once); every machine
needs the same skelnorm version and, for --data, the same data at the same path. A worker that dies
leaves its job to another one; Ctrl-C stops after the running job, a second Ctrl-C hands that job
back to the queue at once.

Options:
${formatFlags(FLAGS)}`;

export const command: Command = {
  name: 'worker',
  summary: 'train the jobs of `ablate --queue` and `train --queue` on this machine (BullMQ on Redis)',
  usage,
  async run(args, io) {
    const { flags } = parseFlags(args, FLAGS);
    if (flags.queue === undefined) throw new UsageError('--queue is required, e.g. --queue redis://127.0.0.1:6379');
    const url = parseQueueUrl(flags.queue);
    const concurrency = flags.concurrency ?? 1;
    // One process per job: jobs share no tfjs state or random generator, so each reproduces the one-machine numbers.
    if (concurrency > 1) return runWorkerProcesses(args, concurrency, io);
    return runJobWorker({
      url,
      io,
      lockSeconds: flags['lock-seconds'] ?? DEFAULT_LOCK_SECONDS,
      ...(flags.workers !== undefined && { workers: flags.workers }),
      ...(flags.backend !== undefined && { backend: flags.backend as BackendFlag }),
    });
  },
};
