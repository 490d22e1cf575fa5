import { jsonReplacer } from '../run/run-folder.js';
import type { TrainConfig } from '../training/train-config.js';
import type { JobWorker } from './ablation-job.js';
import { contentJobId, JOB_FORMAT, portableConfig } from './job-queue.js';

/**
 * `skelnorm train --queue`: one whole training run for a worker, with everything it depends on
 * (the config with its data reference, the data's content hash, which the worker checks).
 */
export interface TrainJobData {
  readonly format: typeof JOB_FORMAT;
  readonly kind: 'train';
  readonly config: TrainConfig;
  readonly dataFingerprint: string;
  readonly dataDescription: string;
}

/** One line the run printed on the worker, for the coordinator to print as its own. */
export interface TrainOutputLine {
  readonly stream: 'out' | 'err';
  readonly line: string;
}

/** A finished `train` job: the run folder's files, the run's output and exit code, who ran it. */
export interface TrainJobResult {
  readonly format: typeof JOB_FORMAT;
  readonly jobId: string;
  readonly exitCode: number;
  readonly output: readonly TrainOutputLine[];
  /** Where the run folder was on the worker (its output names it; the coordinator names its own instead). */
  readonly runDir: string;
  /** Every file of the run folder (report, plots, metrics, config, checkpoints), relative path and bytes in base64. */
  readonly files: readonly { readonly path: string; readonly base64: string }[];
  readonly worker: JobWorker;
}

export function trainJobData(config: TrainConfig, data: { readonly fingerprint: string; readonly description: string }): TrainJobData {
  return { format: JOB_FORMAT, kind: 'train', config: portableConfig(config), dataFingerprint: data.fingerprint, dataDescription: data.description };
}

/** `train-seed-cnn-<hash of every input>` (`contentJobId`). */
export function trainJobId(job: TrainJobData): string {
  const { dataDescription: _d, ...inputs } = job;
  return contentJobId(`train-${job.config.model}`, inputs);
}

export function encodeTrainResult(result: TrainJobResult): string {
  return JSON.stringify(result, jsonReplacer);
}

/** Reads a stored result back; anything else (another format, another kind of job) is an error that says so. */
export function decodeTrainResult(text: unknown, jobId: string): TrainJobResult {
  let value: Partial<TrainJobResult> | undefined;
  try {
    value = typeof text === 'string' ? (JSON.parse(text) as Partial<TrainJobResult>) : undefined;
  } catch {
    value = undefined;
  }
  if (!value || value.format !== JOB_FORMAT || !Array.isArray(value.files) || !Array.isArray(value.output) || typeof value.exitCode !== 'number') {
    throw new Error(`job ${jobId}: its stored result is not a skelnorm train result of format ${JOB_FORMAT} (${String(text).slice(0, 80)})`);
  }
  return value as TrainJobResult;
}
