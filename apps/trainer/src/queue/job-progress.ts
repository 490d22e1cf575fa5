import type { CommandIO } from '../command.js';
import { ProgressDisplay, type ProgressState } from '../progress/progress-display.js';

/** A training step as a job reports it to the coordinator (BullMQ progress), with who runs it. */
export interface JobProgressReport extends ProgressState {
  /** `host pid`: the worker process. */
  readonly worker: string;
}

/**
 * The worker's progress display that also reports to the job's coordinator, at most every
 * `intervalMs` (and at every epoch's last step): every step would be a Redis round trip.
 */
export class JobProgress extends ProgressDisplay {
  private lastReport = Number.NEGATIVE_INFINITY;

  constructor(
    io: CommandIO,
    private readonly report: (state: ProgressState) => void,
    private readonly intervalMs = 500,
  ) {
    super(io);
  }

  override update(state: ProgressState): void {
    super.update(state);
    const t = performance.now();
    if (t - this.lastReport < this.intervalMs && state.step !== state.stepsPerEpoch) return;
    this.lastReport = t;
    this.report(state);
  }
}
