/**
 * What a run's report is drawn from. The train command fills it from the trainer's events;
 * `metrics.jsonl` holds the same information event by event.
 */
export interface EpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
  /** Mean training loss over the epoch (train mode). */
  trainLoss?: number;
  /** Running training accuracy over the epoch (train mode, dropout and batch statistics on), 0..1. */
  trainAccuracy?: number;
  evalLoss?: number;
  /** Top-1 accuracy on the evaluation split, eval mode, 0..1. */
  evalTop1?: number;
  evalTop5?: number;
  learningRate?: number;
  /** Wall seconds spent in this epoch's training steps. */
  seconds?: number;
}

export interface StepRecord {
  /** Global step, 1-based. */
  readonly step: number;
  readonly loss: number;
  /** Fractional epoch (e.g. 2.5 = halfway through the third epoch), for plotting on the epoch axis. */
  readonly epochFraction?: number;
}

export interface RunHistory {
  epochs: EpochRecord[];
  steps: StepRecord[];
  /** Confusion matrix of the last evaluation: `[trueClass][predicted]` counts. */
  confusion?: number[][];
  perClassAccuracy?: number[];
  classNames?: string[];
}

export function emptyHistory(): RunHistory {
  return { epochs: [], steps: [] };
}

/** The record for `epoch`, created when missing (epoch and eval events arrive separately). */
export function epochRecord(history: RunHistory, epoch: number): EpochRecord {
  let record = history.epochs.find((e) => e.epoch === epoch);
  if (!record) {
    record = { epoch };
    history.epochs.push(record);
    history.epochs.sort((a, b) => a.epoch - b.epoch);
  }
  return record;
}

/**
 * Keeps at most `max` step records by averaging neighbours, so that a long run's plot and memory
 * stay small while the curve's shape survives.
 */
export function thinSteps(steps: readonly StepRecord[], max = 400): StepRecord[] {
  if (steps.length <= max) return [...steps];
  const bucket = Math.ceil(steps.length / max);
  const out: StepRecord[] = [];
  for (let i = 0; i < steps.length; i += bucket) {
    const slice = steps.slice(i, i + bucket).filter((s) => Number.isFinite(s.loss));
    const last = steps[Math.min(steps.length, i + bucket) - 1]!;
    const loss = slice.length ? slice.reduce((a, s) => a + s.loss, 0) / slice.length : Number.NaN;
    out.push({ step: last.step, loss, ...(last.epochFraction !== undefined ? { epochFraction: last.epochFraction } : {}) });
  }
  return out;
}
