import { SeedCnn, createModel, exportTorchCheckpoint, type SkeletonModel } from '@skelnorm/models';
import { MemoryCheckpointStore, fit, type FitData, type OptimizerSpec, type TrainEvent } from '@skelnorm/trainer';
import type { TrainingVariant } from './training-variants.js';

/** Everything two runs of a comparison share: data, schedule, seed. */
export interface RunSettings {
  readonly data: FitData;
  readonly numClasses: number;
  readonly frames: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly optimizer: OptimizerSpec;
  readonly seed: number;
  /** Written into checkpoints as the run configuration (the shape of `skelnorm train`'s). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** What a run has reported so far: enough for the charts and the tests. */
export interface RunHistory {
  /** Per step: [globalStep, loss, accuracy] (train mode, before the update). */
  readonly steps: [number, number, number][];
  /** Per epoch: [globalStep, mean loss, accuracy] (train mode). */
  readonly epochs: [number, number, number][];
  /** Per evaluation in eval mode, held-out split: [globalStep, loss, top1]. */
  readonly test: [number, number, number][];
  /** Per evaluation in eval mode, on training samples: [globalStep, loss, top1]. */
  readonly trainEval: [number, number, number][];
  /** Milliseconds of each step, as the page measured it (event to event). */
  readonly stepMs: number[];
}

export type RunState = 'idle' | 'running' | 'done' | 'stopped' | 'failed';

/**
 * One training run of the seed CNN in the page: the model, the `fit` event stream, the history
 * and the last checkpoint. The panel pulls events from two runs in turn.
 */
export class TrainingRun {
  readonly model: SkeletonModel;
  readonly history: RunHistory = { steps: [], epochs: [], test: [], trainEval: [], stepMs: [] };
  state: RunState = 'idle';
  error: string | undefined;
  readonly store = new MemoryCheckpointStore(1);
  private readonly events: AsyncGenerator<TrainEvent, void, undefined>;

  constructor(
    readonly variant: TrainingVariant,
    readonly settings: RunSettings,
  ) {
    this.model = createModel('seed-cnn', {
      ...variant.modelOptions,
      numClasses: settings.numClasses,
      frames: settings.frames,
      seed: settings.seed,
    });
    this.events = fit(this.model, settings.data, {
      epochs: settings.epochs,
      optimizer: settings.optimizer,
      seed: settings.seed,
      numClasses: settings.numClasses,
      stepsPerEpoch: settings.stepsPerEpoch,
      checkpoint: { store: this.store, config: { ...settings.config, modelOptions: variant.modelOptions, variant: variant.name } },
      ...(this.model instanceof SeedCnn ? { generators: { model: this.model.generator } } : {}),
    });
  }

  /** Pulls the next event and records it; false once the run has ended. */
  async next(): Promise<TrainEvent | undefined> {
    if (this.state !== 'idle' && this.state !== 'running') return undefined;
    if (this.state === 'idle') this.state = 'running';
    // Only the time of this pull: the other run's steps happen between pulls.
    const started = performance.now();
    const result = await this.events.next();
    const now = performance.now();
    if (result.done) {
      if (this.state === 'running') this.state = 'done';
      return undefined;
    }
    const event = result.value;
    const h = this.history;
    switch (event.type) {
      case 'step':
        h.steps.push([event.globalStep, event.loss, event.accuracy]);
        h.stepMs.push(now - started);
        break;
      case 'epoch':
        h.epochs.push([this.lastStep(), event.loss, event.accuracy]);
        break;
      case 'eval':
        (event.split === 'test' ? h.test : h.trainEval).push([event.globalStep, event.loss, event.top1]);
        break;
      case 'done':
        this.state = 'done';
        break;
      case 'error':
        this.state = 'failed';
        this.error = event.error.message;
        break;
      default:
        break;
    }
    return event;
  }

  /**
   * The trainer checkpoint (weights, optimizer slots, trainer state with the run configuration in
   * its metadata) written after the last epoch: what `skelnorm train --resume` and `doctor` read.
   * Undefined while the run has not finished (a stopped run's weights are newer than it).
   */
  async trainerCheckpoint(): Promise<Uint8Array | undefined> {
    return this.state === 'done' ? (await this.store.latest())?.safetensors : undefined;
  }

  /**
   * The model's weights as a zoo checkpoint (`exportTorchCheckpoint`: PyTorch names and layout,
   * metadata `model` + `config`), which the inference panel, `skelnorm eval` and PyTorch load.
   */
  async exportWeights(): Promise<Uint8Array> {
    const data = (this.settings.config as { data?: unknown }).data;
    return exportTorchCheckpoint(this.model, {
      variant: this.variant.name,
      steps: String(this.lastStep()),
      ...(data === undefined ? {} : { data: JSON.stringify(data) }),
    });
  }

  /**
   * Ends the run between two steps by leaving the event stream (`return()`), which disposes the
   * optimizer and everything `fit` holds; the model keeps its weights. (Aborting through
   * `FitOptions.signal` instead would stop inside a step, after the batch was pulled.)
   */
  async stop(): Promise<void> {
    if (this.state === 'idle' || this.state === 'running') this.state = 'stopped';
    await this.events.return(undefined);
  }

  /** Frees the model (the event stream disposes its optimizer itself). */
  async dispose(): Promise<void> {
    await this.events.return(undefined);
    this.model.dispose();
  }

  private lastStep(): number {
    return this.history.steps.at(-1)?.[0] ?? 0;
  }
}
