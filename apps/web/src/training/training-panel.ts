import { epochSeed, type FitData, type OptimizerSpec } from '@skelnorm/trainer';
import { Dataset, type SkeletonSample } from '@skelnorm/data';
import type { BackendControl } from '../backend-control.js';
import type { InferencePanel } from '../inference/inference-panel.js';
import { RunCard } from './run-card.js';
import { makeSyntheticSplits, SMALL_PRESET, syntheticClassOfAction, type SyntheticSplits } from './synthetic-data.js';
import { TrainingRun, type RunSettings } from './training-run.js';
import { trainingVariants, variantByName } from './training-variants.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The form's optimizers: `skelnorm train`'s default (Adam 1e-3) and its SGD default. */
const OPTIMIZERS: Readonly<Record<TrainingRequest['optimizer'], OptimizerSpec>> = {
  adam: { name: 'adam', lr: SMALL_PRESET.lr },
  sgd: { name: 'sgd', lr: 0.01, momentum: 0.9 },
};

/**
 * Lets the page handle input and paint. On wasm and cpu every tensor read resolves as a microtask,
 * so without this a whole run would execute as one task: frozen curves, an unclickable Stop.
 * A MessageChannel task, unlike setTimeout, is not throttled in background tabs.
 */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Run B's "no second run" choice. */
const NO_VARIANT = 'none';

/** The form's values. */
export interface TrainingRequest {
  readonly variants: readonly string[];
  readonly classes: number;
  readonly perClass: number;
  readonly frames: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly optimizer: 'adam' | 'sgd';
  readonly seed: number;
}

/** What a finished comparison reports (also read by the e2e tests through the DOM). */
export interface ComparisonResult {
  readonly backend: string;
  readonly runs: { readonly variant: string; readonly state: string; readonly losses: number[]; readonly msPerStep: number[]; readonly testTop1?: number }[];
}

/**
 * Evaluation batch size near `batchSize` that leaves no batch of one sample: BatchNorm without
 * running statistics normalizes with the batch's own statistics in eval mode too, and one sample
 * has none.
 */
function evalBatchSize(samples: number, batchSize: number): number {
  return samples % batchSize === 1 ? batchSize + 1 : batchSize;
}

/** Training batches of one epoch: the whole set shuffled with the epoch's seed, then batched. */
function fitData(splits: SyntheticSplits, batchSize: number): FitData {
  const train = Dataset.fromArray(splits.train);
  const test = Dataset.fromArray(splits.test);
  // The train split in eval mode: the same samples without shuffling (what "train accuracy in
  // eval mode" means), capped at the size of the test split to keep evaluations short.
  const trainEvalSamples = splits.train.slice(0, splits.test.length);
  const trainEval = Dataset.fromArray(trainEvalSamples);
  return {
    // drop_last as PyTorch users set it for BatchNorm: a last batch of one sample has no batch statistics.
    train: (epoch, seed) => train.shuffle(epochSeed(seed, epoch)).batch(batchSize, { dropRemainder: true }).epoch(epoch),
    test: () => test.batch(evalBatchSize(splits.test.length, batchSize)).epoch(0),
    trainEval: () => trainEval.batch(evalBatchSize(trainEvalSamples.length, batchSize)).epoch(0),
  };
}

/**
 * The training card: two variants of the seed CNN (small preset) on the synthetic set, trained
 * side by side in this page, one step of each in turn, with live curves; Stop ends both after
 * their current step.
 */
export class TrainingPanel {
  private runs: TrainingRun[] = [];
  private cards: RunCard[] = [];
  private stopRequested = false;
  private running: Promise<ComparisonResult> | undefined;
  private readonly startButton = byId<HTMLButtonElement>('start-training');
  private readonly stopButton = byId<HTMLButtonElement>('stop-training');
  private splitsCache: { key: string; splits: SyntheticSplits } | undefined;

  constructor(
    private readonly backend: BackendControl,
    private readonly inference: InferencePanel,
  ) {
    for (const [id, initial] of [['variant-a', 'seed-bn'], ['variant-b', 'group-norm']] as const) {
      const select = byId<HTMLSelectElement>(id);
      const choices = id === 'variant-b' ? [{ name: NO_VARIANT, description: 'train run A alone' }, ...trainingVariants] : trainingVariants;
      select.replaceChildren(
        ...choices.map((v) => {
          const option = document.createElement('option');
          option.value = v.name;
          option.textContent = v.name;
          option.title = v.description;
          return option;
        }),
      );
      select.value = initial;
    }
    byId<HTMLFormElement>('training-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const status = byId('training-status');
      status.textContent = '';
      status.classList.remove('error');
      void this.start(this.readForm()).catch((error: unknown) => {
        // Said on the page, where the user looks; the runs on show stay (nothing was started).
        status.textContent = error instanceof Error ? error.message : String(error);
        status.classList.add('error');
      });
    });
    this.stopButton.addEventListener('click', () => this.stop());
  }

  /** The synthetic splits (cached per classes, size and seed): also what the doctor diagnoses on. */
  splits(classes: number, perClass: number, seed: number, frames: number = SMALL_PRESET.frames): SyntheticSplits {
    const key = `${classes}/${perClass}/${seed}/${frames}`;
    if (this.splitsCache?.key !== key) this.splitsCache = { key, splits: makeSyntheticSplits({ classes, perClass, seed, frames }) };
    return this.splitsCache.splits;
  }

  /** The splits the form describes (at T = `frames`), for the doctor and the viewer's sample button. */
  currentSplits(frames?: number): SyntheticSplits {
    const r = this.readForm();
    return this.splits(r.classes, r.perClass, r.seed, frames ?? r.frames);
  }

  readForm(): TrainingRequest {
    const n = (id: string) => Number(byId<HTMLInputElement>(id).value);
    return {
      variants: [byId<HTMLSelectElement>('variant-a').value, byId<HTMLSelectElement>('variant-b').value].filter((v) => v !== NO_VARIANT),
      classes: n('classes'),
      perClass: n('per-class'),
      frames: n('frames'),
      batchSize: n('batch-size'),
      epochs: n('epochs'),
      optimizer: byId<HTMLSelectElement>('optimizer').value === 'sgd' ? 'sgd' : 'adam',
      seed: n('seed'),
    };
  }

  /** Trains the requested variants side by side; resolves when all have ended. */
  async start(request: TrainingRequest): Promise<ComparisonResult> {
    if (this.running !== undefined) throw new Error('a comparison is already running; stop it first');
    const promise = this.train(request);
    this.running = promise;
    try {
      return await promise;
    } finally {
      this.running = undefined;
    }
  }

  /** Stops every run after its current step. */
  stop(): void {
    this.stopRequested = true;
  }

  private async train(request: TrainingRequest): Promise<ComparisonResult> {
    const backend = this.backend.choice?.name ?? 'unknown';
    // Checked before the runs on show are let go: a bad request must not wipe them.
    const splits = this.splits(request.classes, request.perClass, request.seed, request.frames);
    if (!Number.isInteger(request.batchSize) || splits.train.length < request.batchSize || request.batchSize < 2) {
      throw new Error(`batch size must be an integer 2-${splits.train.length} (the training split has ${splits.train.length} samples); got ${request.batchSize}`);
    }
    if (!Number.isInteger(request.epochs) || request.epochs < 1) throw new Error(`epochs must be an integer >= 1; got ${request.epochs}`);
    this.startButton.disabled = true;
    this.stopButton.disabled = false;
    for (const run of this.runs) {
      this.inference.release(run.model);
      await run.dispose();
    }
    this.runs = [];
    this.cards = [];
    const container = byId('runs');
    container.replaceChildren();
    container.dataset['state'] = 'running';
    container.dataset['backend'] = backend;
    this.stopRequested = false;
    try {
      const settings: RunSettings = {
        data: fitData(splits, request.batchSize),
        numClasses: splits.numClasses,
        frames: splits.frames,
        epochs: request.epochs,
        stepsPerEpoch: Math.floor(splits.train.length / request.batchSize),
        optimizer: OPTIMIZERS[request.optimizer],
        seed: request.seed,
        config: {
          model: 'seed-cnn',
          data: { kind: 'synthetic', ...splits.description },
          frames: splits.frames,
          epochs: request.epochs,
          batchSize: request.batchSize,
          optimizer: OPTIMIZERS[request.optimizer],
          seed: request.seed,
          backend,
        },
      };
      this.runs = request.variants.map((name) => new TrainingRun(variantByName(name), settings));
      this.cards = this.runs.map((run, i) => new RunCard(container, run, String.fromCharCode(65 + i), (r) => this.useForInference(r)));
      // One event of each run in turn: both advance step by step, so their curves grow together.
      let active = this.runs.map((run, i) => ({ run, card: this.cards[i]! }));
      while (active.length > 0) {
        const still: typeof active = [];
        for (const entry of active) {
          await yieldToPage();
          if (this.stopRequested) break;
          const event = await entry.run.next();
          if (event?.type !== 'start') entry.card.refresh();
          if (event !== undefined) still.push(entry);
        }
        if (this.stopRequested) {
          for (const entry of active) await entry.run.stop();
          break;
        }
        active = still;
      }
      for (const card of this.cards) card.refresh();
      byId<HTMLButtonElement>('use-trained').disabled = false;
      return {
        backend,
        runs: this.runs.map((run) => ({
          variant: run.variant.name,
          state: run.state,
          losses: run.history.steps.map((s) => s[1]),
          msPerStep: [...run.history.stepMs],
          ...(run.history.test.length > 0 ? { testTop1: run.history.test.at(-1)![2] } : {}),
        })),
      };
    } finally {
      container.dataset['state'] = 'finished';
      this.startButton.disabled = false;
      this.stopButton.disabled = true;
    }
  }

  /** Hands a run's model to the inference panel (and so to the doctor). */
  useForInference(run: TrainingRun): void {
    const names = this.splitsCache?.splits.classNames ?? [];
    this.inference.use({
      model: run.model,
      description: `${run.variant.name} trained here (${run.history.steps.length} steps)`,
      frames: run.settings.frames,
      persons: 2,
      className: (index) => names[index] ?? `class ${index}`,
      classOfAction: this.splitsCache ? syntheticClassOfAction(this.splitsCache.splits.numClasses) : () => undefined,
      owned: false,
    });
  }

  /** The first run that made a step, for the inference panel's "use the model trained below". */
  latestRun(): TrainingRun | undefined {
    return this.runs.find((r) => r.history.steps.length > 0);
  }

  /**
   * The `index`-th held-out sample of the form's synthetic set, for the viewer, cycling through the
   * classes first (sample k of class c for index k * classes + c).
   */
  sample(index: number): SkeletonSample | undefined {
    const { test, numClasses } = this.currentSplits();
    const label = index % numClasses;
    const ofClass = test.filter((s) => s.label === label);
    return ofClass[Math.floor(index / numClasses) % Math.max(1, ofClass.length)] ?? test[0];
  }
}
