import type { TrainEvent } from '@skelnorm/trainer';
import type { ProgressDisplay } from '../progress/progress-display.js';
import { emptyHistory, epochRecord, type RunHistory } from '../report/run-history.js';
import type { RunFolder } from '../run/run-folder.js';
import { percent as pct } from '../report/percent.js';

/**
 * Turns the trainer's events into what a person and a run folder see: the progress display,
 * one line per epoch and evaluation, `metrics.jsonl`, and the history the report is drawn from.
 * Epochs are 0-based in events and 1-based everywhere a person reads them.
 */
export class EventRecorder {
  readonly history: RunHistory;
  epochs = 0;
  stepsPerEpoch = 0;
  lastCheckpoint: string | undefined;
  /** Set by an `error` event. */
  error: Extract<TrainEvent, { type: 'error' }> | undefined;
  done: Extract<TrainEvent, { type: 'done' }> | undefined;

  constructor(
    private readonly sinks: {
      readonly run?: RunFolder;
      readonly progress?: ProgressDisplay;
      /** Prefix for log lines (the ablation names its variant). */
      readonly label?: string;
      /** Epoch/eval lines; default true. */
      readonly logEpochs?: boolean;
    } = {},
    history: RunHistory = emptyHistory(),
  ) {
    this.history = history;
  }

  /** A log line that is not an event (e.g. a setting adjusted for the run). */
  note(line: string): void {
    this.log(line);
  }

  private log(line: string): void {
    if (this.sinks.logEpochs === false) return;
    const text = this.sinks.label ? `[${this.sinks.label}] ${line}` : line;
    this.sinks.progress?.log(text);
  }

  /** Applies an event and appends it to `metrics.jsonl`. */
  async record(event: TrainEvent): Promise<void> {
    this.apply(event);
    await this.sinks.run?.appendMetric(toMetric(event));
  }

  /** Updates history, progress and log lines for one event (synchronous). */
  apply(event: TrainEvent): void {
    switch (event.type) {
      case 'start': {
        truncateHistory(this.history, event.epoch, event.globalStep);
        this.epochs = event.epochs;
        this.stepsPerEpoch = event.stepsPerEpoch ?? 0;
        this.sinks.progress?.resetRate(event.globalStep);
        const from = event.resumedFrom ? `, resumed from ${event.resumedFrom} at epoch ${event.epoch + 1} step ${event.step}` : '';
        this.log(`training ${event.numParameters.toLocaleString('en-US')} parameters, ${event.epochs} epoch${event.epochs === 1 ? '' : 's'}${event.stepsPerEpoch ? ` x ${event.stepsPerEpoch} steps` : ''}, ${event.optimizer.name} lr ${event.optimizer.lr}, engine ${event.engine}${from}`);
        break;
      }
      case 'step': {
        if (event.stepsPerEpoch) this.stepsPerEpoch = event.stepsPerEpoch;
        this.history.steps.push({ step: event.globalStep, loss: event.loss, epochFraction: event.epoch + (this.stepsPerEpoch ? event.step / this.stepsPerEpoch : 1) });
        this.sinks.progress?.update({
          epoch: event.epoch + 1,
          epochs: this.epochs,
          step: event.step,
          stepsPerEpoch: this.stepsPerEpoch || event.step,
          loss: event.loss,
          accuracy: event.accuracy,
          ...(this.sinks.label ? { label: this.sinks.label } : {}),
        });
        break;
      }
      case 'epoch': {
        const record = epochRecord(this.history, event.epoch + 1);
        record.trainLoss = event.loss;
        record.trainAccuracy = event.accuracy;
        record.learningRate = event.lr;
        record.seconds = event.seconds;
        this.stepsPerEpoch = event.steps;
        this.log(`epoch ${event.epoch + 1}/${this.epochs}: train loss ${event.loss.toFixed(4)}, train acc ${pct(event.accuracy)} (train mode), ${event.seconds.toFixed(1)} s`);
        break;
      }
      case 'eval': {
        if (event.split === 'test') {
          const record = epochRecord(this.history, event.epoch + 1);
          record.evalLoss = event.loss;
          record.evalTop1 = event.top1;
          record.evalTop5 = event.top5;
          const result = event.result as Partial<typeof event.result> | undefined;
          if (result?.confusion) this.history.confusion = result.confusion.map((row) => [...row]);
          if (result?.perClassAccuracy) this.history.perClassAccuracy = [...result.perClassAccuracy];
        }
        this.log(
          `eval (${event.split}${event.recalibrated ? ', recalibrated' : ''}) epoch ${event.epoch + 1}: loss ${event.loss.toFixed(4)}, top-1 ${pct(event.top1)}, top-5 ${pct(event.top5)}`,
        );
        break;
      }
      case 'checkpoint':
        this.lastCheckpoint = event.location;
        break;
      case 'done':
        this.done = event;
        this.sinks.progress?.clear();
        break;
      case 'error':
        this.error = event;
        this.sinks.progress?.clear();
        break;
    }
  }
}


/** The JSON line for an event: evaluation results without tensors, errors as messages. */
export function toMetric(event: TrainEvent): Record<string, unknown> {
  const time = new Date().toISOString();
  switch (event.type) {
    case 'error':
      return { type: 'error', time, message: event.error.message, ...(event.nonFinite ? { nonFinite: event.nonFinite } : {}) };
    case 'eval':
      return { ...event, time, result: event.result };
    case 'done': {
      const { lastEval, ...rest } = event;
      return { ...rest, time, ...(lastEval ? { lastEval } : {}) };
    }
    default:
      return { ...event, time };
  }
}

/**
 * Forgets what comes after a resume point (1-based epoch records from `epoch` + 1 on, steps
 * after `globalStep`): a killed run may have logged steps that the resumed run repeats.
 */
export function truncateHistory(history: RunHistory, epoch: number, globalStep: number): void {
  history.steps = history.steps.filter((s) => s.step <= globalStep);
  history.epochs = history.epochs.filter((e) => e.epoch <= epoch);
}

/** Rebuilds a history from `metrics.jsonl` records (for `--resume` and report regeneration). */
export function replayMetrics(records: readonly Record<string, unknown>[], history: RunHistory): void {
  const recorder = new EventRecorder({ logEpochs: false }, history);
  for (const record of records) {
    const type = record.type;
    if (type !== 'start' && type !== 'step' && type !== 'epoch' && type !== 'eval') continue;
    // Only numeric fields are read back; NaN was written as the string "NaN".
    const event = Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v === 'NaN' ? Number.NaN : v]));
    if (type === 'start' && !event.optimizer) event.optimizer = { name: '?', lr: Number.NaN };
    recorder.apply(event as unknown as TrainEvent);
  }
}
