import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { AblationRun } from '../ablation/ablation-table.js';
import { runAblationTraining } from '../ablation/run-ablation.js';
import { ABLATION_VARIANTS, type AblationVariant } from '../ablation/variants.js';
import type { CommandIO } from '../command.js';
import { train } from '../commands/train.js';
import { RunFolder } from '../run/run-folder.js';
import { chooseBackend, type ChosenBackend } from '../training/backend-choice.js';
import { loadTrainingData, TRAINING_DATA_KEYS } from '../training/load-training-data.js';
import { saveModelFile } from '../training/model-file.js';
import type { BackendFlag, TrainConfig } from '../training/train-config.js';
import type { TrainingData } from '../training/training-data.js';
import { encodeJobResult, type AblationJobData, type JobWorker } from './ablation-job.js';
import { canonicalJson, JOB_FORMAT } from './job-queue.js';
import { JobProgress, type JobProgressReport } from './job-progress.js';
import { describeError } from './redis-connection.js';
import { encodeTrainResult, type TrainJobData, type TrainOutputLine } from './train-job.js';

export interface JobProcessorOptions {
  readonly io: CommandIO;
  /** `worker --workers N`: data-parallel threads per job instead of the job's own count. */
  readonly workers?: number;
  /** `worker --backend B`: instead of the job's own backend. */
  readonly backend?: BackendFlag;
}

/** Why a job's signal aborted: this worker is stopping now (the job goes back to the queue)... */
export const STOP_NOW = 'stop-now';
/** ...or the job's lock expired, so the queue hands it out again: this worker must let it go. */
export const LOCK_LOST = 'lock-lost';

type AnyJob = Job<AblationJobData | TrainJobData, string>;

/**
 * Runs jobs in this process with the one code path of each command (`runAblationTraining` for an
 * ablation's training, `train` for `train --queue`): loads the job's data (kept for the next job
 * with the same data), refuses data whose content hash differs from the coordinator's, and returns
 * the result for Redis. A job stopped by `signal` goes back to the queue or is let go (lost lock).
 */
export class JobProcessor {
  private data: { readonly key: string; readonly data: TrainingData; readonly fingerprint: string } | undefined;
  private backend: { readonly flag: BackendFlag; readonly chosen: ChosenBackend } | undefined;
  readonly name = `${hostname()} ${process.pid}`;

  constructor(private readonly options: JobProcessorOptions) {}

  async process(job: AnyJob, token: string | undefined, signal: AbortSignal | undefined): Promise<string> {
    const spec = job.data;
    const id = job.id ?? '?';
    if (spec?.format !== JOB_FORMAT || (spec.kind !== 'ablation' && spec.kind !== 'train')) {
      throw new UnrecoverableError(`job ${id} is of format ${String(spec?.format)}, kind ${String(spec?.kind)}; this worker (${this.name}) reads format ${JOB_FORMAT}: run the same skelnorm version on every machine`);
    }
    // Refused before anything is loaded: a variant this version does not know cannot be measured anywhere here.
    const derived = spec.kind === 'ablation' ? spec.derived.map((name) => knownVariant(name, id)) : [];
    const label = spec.kind === 'ablation' ? `${spec.variant} seed ${spec.seed}` : `train ${spec.config.model}`;
    const again = job.attemptsStarted > 1 ? ` (start ${job.attemptsStarted}: an earlier try ${job.stalledCounter > 0 ? 'lost its worker' : 'failed'})` : '';
    this.options.io.out(`took job ${id}: ${label}${again}`);
    const config: TrainConfig = {
      ...spec.config,
      ...(this.options.workers !== undefined && { workers: this.options.workers }),
      ...(this.options.backend !== undefined && { backend: this.options.backend }),
    };
    const backend = await this.useBackend(config.backend);
    const data = await this.load(config, spec, id);
    const runDir = await mkdtemp(join(tmpdir(), 'skelnorm-job-'));
    const started = performance.now();
    try {
      const worker = { host: hostname(), pid: process.pid, backend: backend.name, workers: config.workers };
      const result =
        spec.kind === 'ablation'
          ? await this.trainAblation(job as Job<AblationJobData>, spec, derived, config, data, runDir, label, signal, worker)
          : await this.trainRun(job as Job<TrainJobData>, config, data, runDir, label, signal, worker);
      if (signal?.aborted && signal.reason === LOCK_LOST) throw new Error(`job ${id}: this worker lost its lock; left to the queue`);
      if (signal?.aborted) {
        // Back to the queue at once, without using up an attempt: another worker takes it.
        this.options.io.out(`stopped job ${id} (${label}) unfinished; it goes back to the queue`);
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      this.options.io.out(`finished job ${id} (${label}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return result;
    } finally {
      await rm(runDir, { recursive: true, force: true });
    }
  }

  /** One training of an ablation and the rows measured on it. */
  private async trainAblation(
    job: Job<AblationJobData>,
    spec: AblationJobData,
    derived: readonly AblationVariant[],
    config: TrainConfig,
    data: TrainingData,
    runDir: string,
    label: string,
    signal: AbortSignal | undefined,
    worker: JobWorker,
  ): Promise<string> {
    const id = job.id ?? '?';
    const rows: AblationRun[] = [];
    let checkpoint: string | undefined;
    const progress = this.progress(job, label, this.options.io);
    await runAblationTraining(
      { variant: spec.variant, seed: spec.seed, config, row: spec.row, derived },
      {
        data,
        runDir,
        progress,
        ...(signal && { signal }),
        record: async (run) => void rows.push(run),
        ...(spec.checkpointDir !== undefined && {
          onTrained: async (model, modelOptions) => {
            checkpoint = join(spec.checkpointDir!, `${id}.safetensors`);
            await mkdir(spec.checkpointDir!, { recursive: true });
            await saveModelFile(checkpoint, model, modelOptions, config);
          },
        }),
      },
    );
    progress.clear();
    const metrics = await readFile(join(runDir, 'metrics.jsonl'), 'utf8').catch(() => '');
    return encodeJobResult({ format: JOB_FORMAT, jobId: id, rows, metrics, worker, ...(checkpoint !== undefined && { checkpoint }) });
  }

  /** A whole `skelnorm train` run into `runDir`; its files and output are the result. */
  private async trainRun(
    job: Job<TrainJobData>,
    config: TrainConfig,
    data: TrainingData,
    runDir: string,
    label: string,
    signal: AbortSignal | undefined,
    worker: JobWorker,
  ): Promise<string> {
    const { io } = this.options;
    const output: TrainOutputLine[] = [];
    // The run's lines go to the coordinator, and to this worker's log under the job's label.
    const runIO: CommandIO = {
      out: (line) => (output.push({ stream: 'out', line }), io.out(`[${label}] ${line}`)),
      err: (line) => (output.push({ stream: 'err', line }), io.err(`[${label}] ${line}`)),
      isTTY: false,
    };
    const progress = this.progress(job, label, io);
    const exitCode = await train(config, await RunFolder.open(runDir), false, runIO, { progress, data, ...(signal && { signal }) });
    const files = [];
    for (const path of await readdir(runDir, { recursive: true })) {
      if ((await stat(join(runDir, path))).isFile()) files.push({ path, base64: (await readFile(join(runDir, path))).toString('base64') });
    }
    return encodeTrainResult({ format: JOB_FORMAT, jobId: job.id ?? '?', exitCode, output, runDir, files, worker });
  }

  /** Progress for this worker's log and, at most twice a second, for the coordinator's bars. */
  private progress(job: Job, label: string, io: CommandIO): JobProgress {
    let training = false;
    return new JobProgress(io, (state) => {
      if (!training) this.options.io.out(`training job ${job.id} (${label}): epoch ${state.epoch}/${state.epochs}, step ${state.step}/${state.stepsPerEpoch}`);
      training = true;
      const report: JobProgressReport = { ...state, label, worker: this.name };
      // A lost Redis is reported by the connection; progress is not worth failing a job for.
      job.updateProgress(report).catch(() => undefined);
    });
  }

  private async useBackend(flag: BackendFlag): Promise<ChosenBackend> {
    if (this.backend?.flag !== flag) this.backend = { flag, chosen: await chooseBackend(flag, this.options.io) };
    return this.backend.chosen;
  }

  /** The job's data, loaded once per distinct reference and checked against the job's content hash. */
  private async load(config: TrainConfig, spec: AblationJobData | TrainJobData, id: string): Promise<TrainingData> {
    // Everything loadTrainingData reads: a bone job after a joint job on the same files loads anew.
    const key = canonicalJson(Object.fromEntries(TRAINING_DATA_KEYS.map((k) => [k, config[k]])));
    if (this.data?.key !== key) {
      this.data = undefined;
      try {
        const data = await loadTrainingData(config, this.options.io);
        this.data = { key, data, fingerprint: data.fingerprint() };
      } catch (error) {
        throw new Error(`job ${id}: this worker (${this.name}) cannot load the job's data (${spec.dataDescription}): ${describeError(error)}`);
      }
    }
    if (this.data.fingerprint !== spec.dataFingerprint) {
      throw new Error(
        `job ${id}: this worker (${this.name}) has other data than the coordinator: content hash ${this.data.fingerprint} here (${this.data.data.description}), ` +
          `${spec.dataFingerprint} in the job (${spec.dataDescription}); give every machine the same data (e.g. one \`skelnorm pack\` export)`,
      );
    }
    return this.data.data;
  }
}

function knownVariant(name: string, id: string): AblationVariant {
  const variant = ABLATION_VARIANTS.find((v) => v.name === name && v.derive);
  if (!variant) throw new UnrecoverableError(`job ${id} asks for the derived variant '${name}', which this worker does not know: run the same skelnorm version on every machine`);
  return variant;
}
