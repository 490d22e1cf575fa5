import * as tf from '@tensorflow/tfjs-core';
import type { SkeletonModel } from '@skelnorm/models';
import { recalibrate } from '@skelnorm/norm';
import { fit, type FitOptions, type TrainEvent } from '@skelnorm/trainer';
import { dataParallel, FileCheckpointStore } from '@skelnorm/trainer/node';
import type { ProgressDisplay } from '../progress/progress-display.js';
import type { RunFolder } from '../run/run-folder.js';
import { buildModel } from './build-model.js';
import { loadInitialWeights } from './model-file.js';
import { EventRecorder, replayMetrics } from './event-recorder.js';
import type { TrainConfig } from './train-config.js';
import { disposingBatches, type TrainingData } from './training-data.js';

export interface TrainModelOptions {
  readonly data: TrainingData;
  readonly progress?: ProgressDisplay;
  /** Run folder: metrics.jsonl, checkpoints. Without one, nothing is written. */
  readonly run?: RunFolder;
  /** Continue from the run folder's latest checkpoint (and its metrics history). */
  readonly resume?: boolean;
  /** Log-line prefix (ablation variants). */
  readonly label?: string;
  readonly logEpochs?: boolean;
  /** Evaluate every this many epochs (0 = only after the last). Default 1. */
  readonly evalEvery?: number;
  /** Let `fit` evaluate on the test split (eval events). Default true. */
  readonly evaluate?: boolean;
  /** Write checkpoints into the run folder. Default true when there is a run folder. */
  readonly checkpoints?: boolean;
  readonly signal?: AbortSignal;
  /** Called once the model is built (to print what is trained). */
  readonly onModel?: (model: SkeletonModel) => void;
}

export interface TrainModelOutcome {
  readonly model: SkeletonModel;
  /** The options the model was built with (for checkpoints, workers, `eval`). */
  readonly modelOptions: Record<string, unknown>;
  readonly recorder: EventRecorder;
  /** Engine description from the start event. */
  readonly engine: string;
  readonly seconds: number;
  /** True when `signal` stopped training early. */
  readonly interrupted: boolean;
}

/**
 * Workers only help on the CPU backends, each with its own single-threaded wasm (or cpu) tfjs;
 * a GPU backend trains in this thread.
 */
export function workerBackend(backendName: string): 'wasm' | 'cpu' | undefined {
  if (backendName === 'wasm') return 'wasm';
  if (backendName === 'cpu') return 'cpu';
  return undefined;
}

/** Builds the model of `config` and trains it with `fit`, feeding every event to the sinks. */
export async function trainModel(config: TrainConfig, options: TrainModelOptions): Promise<TrainModelOutcome> {
  const started = performance.now();
  const { data } = options;
  const { model, options: modelOptions } = buildModel(config, data.numClasses);
  if (config.init !== undefined && !options.resume) {
    try {
      await loadInitialWeights(model, config.init);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  options.onModel?.(model);
  const recorder = new EventRecorder({
    ...(options.run ? { run: options.run } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.label ? { label: options.label } : {}),
    logEpochs: options.logEpochs ?? true,
  });
  if (options.resume && options.run) replayMetrics(await options.run.readMetrics(), recorder.history);

  const replicaBackend = workerBackend(tf.getBackend());
  // Every replica needs at least 2 samples of each batch: BatchNorm cannot normalize one.
  const workers = Math.min(config.workers, Math.floor(config.batchSize / 2));
  if (workers < config.workers && config.workers > 1 && replicaBackend) {
    recorder.note(`workers: ${workers} instead of ${config.workers} (batch ${config.batchSize} gives each worker at least 2 samples)`);
  }
  const engine =
    workers > 1 && replicaBackend
      ? dataParallel({ workers, model: { name: config.model, options: modelOptions }, backend: replicaBackend })
      : undefined;
  const fitOptions: FitOptions = {
    epochs: config.epochs,
    optimizer: config.optimizer,
    schedule: config.schedule,
    labelSmoothing: config.labelSmoothing,
    ...(config.clipGradNorm !== undefined ? { clipGradNorm: config.clipGradNorm } : {}),
    seed: config.seed,
    numClasses: data.numClasses,
    evalEvery: options.evalEvery ?? 1,
    stepsPerEpoch: data.stepsPerEpoch(config.batchSize),
    ...(config.recalibrate
      ? { recalibrate: async (m, batches) => recalibrate(m, disposingBatches(batches)) }
      : {}),
    ...(options.run && options.checkpoints !== false
      ? { checkpoint: { store: new FileCheckpointStore(options.run.checkpointsDir), config: { ...config, modelOptions } } }
      : {}),
    ...(options.resume ? { resume: 'latest' as const } : {}),
    ...(engine ? { engine } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };

  let engineName = 'local';
  try {
    const events: AsyncIterable<TrainEvent> = fit(model, data.fitData(config, { evaluate: options.evaluate ?? true }), fitOptions);
    for await (const event of events) {
      if (event.type === 'start') engineName = event.engine;
      await recorder.record(event);
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return {
    model,
    modelOptions,
    recorder,
    engine: engineName,
    seconds: (performance.now() - started) / 1000,
    interrupted: Boolean(options.signal?.aborted) && !recorder.done,
  };
}
