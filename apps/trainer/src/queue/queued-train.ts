import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { CommandIO } from '../command.js';
import { RunFolder, writeFileAtomic } from '../run/run-folder.js';
import { interruptSignal } from '../training/interrupt.js';
import { loadTrainingData } from '../training/load-training-data.js';
import type { TrainConfig } from '../training/train-config.js';
import { collectJobs } from './collect-jobs.js';
import type { QueueUrl } from './queue-url.js';
import { decodeTrainResult, trainJobData, trainJobId } from './train-job.js';

const TEXT_FILE = /\.(md|json|jsonl|svg)$/;

/**
 * `skelnorm train --queue`: the run as one job for a `skelnorm worker`; when it is done, its run
 * folder is written into `run` and its output printed here, as if it had trained on this machine.
 * The same command again reuses the finished job. Returns the run's exit code.
 */
export async function runQueuedTrain(config: TrainConfig, run: RunFolder, url: QueueUrl, io: CommandIO): Promise<number> {
  const data = await loadTrainingData(config, io);
  io.out(`data: ${data.description}`);
  const spec = trainJobData(config, { fingerprint: data.fingerprint(), description: data.description });
  const job = { id: trainJobId(spec), label: `train ${config.model}`, data: spec };
  io.out(`run folder: ${run.dir} (written when the job is done)`);
  let exitCode = 1;
  const interrupt = interruptSignal();
  try {
    const outcome = await collectJobs({
      url,
      io,
      jobs: [job],
      decode: decodeTrainResult,
      signal: interrupt.signal,
      onResult: async (_job, result, reused) => {
        for (const file of result.files) {
          const path = join(run.dir, file.path);
          // A stored path that climbs out of the run folder is not ours to write.
          if (relative(run.dir, path).startsWith(`..${sep}`)) throw new Error(`job ${result.jobId}: its result names a file outside the run folder (${file.path})`);
          await mkdir(dirname(path), { recursive: true });
          const bytes = Buffer.from(file.base64, 'base64');
          // The report and metrics name the worker's temporary folder: they get this run folder's name.
          await writeFileAtomic(path, TEXT_FILE.test(file.path) ? bytes.toString('utf8').split(result.runDir).join(run.dir) : bytes);
        }
        io.out(`${reused ? 'reused the run' : 'trained'} on ${result.worker.host} pid ${result.worker.pid} (${result.worker.backend}, ${result.worker.workers} worker thread${result.worker.workers === 1 ? '' : 's'}):`);
        for (const { stream, line } of result.output) io[stream](line.split(result.runDir).join(run.dir));
        exitCode = result.exitCode;
      },
      onFailure: async (_job, reason) => {
        io.err(`the job failed on every attempt: ${reason}`);
        exitCode = 1;
      },
    });
    if (outcome.interrupted) {
      io.err(outcome.running > 0 ? 'interrupted: the run goes on on its worker; the same command again collects it' : 'interrupted: the job is withdrawn from the queue');
      return 130;
    }
    return exitCode;
  } finally {
    interrupt.release();
  }
}
