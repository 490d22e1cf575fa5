import type { CommandIO } from '../command.js';
import { formatBar, formatLine } from '../progress/progress-display.js';
import type { JobProgressReport } from './job-progress.js';

interface Bar {
  state: JobProgressReport;
  /** Where steps/s is measured from: the first report of this attempt. */
  readonly fromStep: number;
  readonly fromTime: number;
  lastLine: number;
}

const globalStep = (s: JobProgressReport) => (s.epoch - 1) * s.stepsPerEpoch + s.step;

/**
 * The coordinator's live view of the queue: one progress bar per running job (the bars of
 * `progress-display`, labelled with the job and its worker), redrawn as a block on a terminal.
 * In a pipe or log it prints plain lines instead, at most one per job every `lineIntervalMs`.
 * Messages printed through `log` go above the block.
 */
export class JobBars {
  private readonly bars = new Map<string, Bar>();
  private drawnLines = 0;
  private held = false;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;
  private readonly lineIntervalMs: number;
  private readonly redrawIntervalMs: number;

  constructor(
    private readonly io: CommandIO,
    options: { readonly now?: () => number; readonly lineIntervalMs?: number; readonly redrawIntervalMs?: number } = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.lineIntervalMs = options.lineIntervalMs ?? 15_000;
    this.redrawIntervalMs = options.redrawIntervalMs ?? 200;
  }

  private get interactive(): boolean {
    return this.io.isTTY && typeof this.io.write === 'function';
  }

  update(jobId: string, state: JobProgressReport): void {
    const t = this.now();
    const bar = this.bars.get(jobId);
    if (!bar || globalStep(state) < globalStep(bar.state)) {
      // A new attempt (another worker) starts its rate afresh.
      this.bars.set(jobId, { state, fromStep: globalStep(state), fromTime: t, lastLine: t });
    } else {
      bar.state = state;
    }
    if (this.interactive) {
      if (t - this.lastDraw >= this.redrawIntervalMs) this.draw();
      return;
    }
    const current = this.bars.get(jobId)!;
    if (bar && t - current.lastLine >= this.lineIntervalMs) {
      current.lastLine = t;
      const { rate, eta } = this.speed(current, t);
      this.io.out(formatLine(labelled(current.state), rate, eta));
    }
  }

  /** The job is no longer running (finished, failed, or lost its worker). */
  finish(jobId: string): void {
    if (this.bars.delete(jobId) && this.interactive) this.draw();
  }

  log(message: string): void {
    this.erase();
    this.io.out(message);
    if (this.interactive) this.draw();
  }

  err(message: string): void {
    this.erase();
    this.io.err(message);
    if (this.interactive) this.draw();
  }

  /** Removes the block so that the terminal is left clean. */
  clear(): void {
    this.erase();
  }

  /** Takes the block away and keeps it away while others print straight to the io, until `release`. */
  hold(): void {
    this.held = true;
    this.erase();
  }

  release(): void {
    this.held = false;
    if (this.interactive) this.draw();
  }

  private speed(bar: Bar, t: number): { rate: number | undefined; eta: number | undefined } {
    const done = globalStep(bar.state) - bar.fromStep;
    const seconds = (t - bar.fromTime) / 1000;
    const rate = done > 0 && seconds > 0 ? done / seconds : undefined;
    const left = bar.state.epochs * bar.state.stepsPerEpoch - globalStep(bar.state);
    return { rate, eta: rate ? left / rate : undefined };
  }

  private erase(): void {
    if (this.drawnLines > 0 && this.io.write) {
      // Up to the block's first line, then clear to the end of the screen.
      this.io.write(`\x1b[${this.drawnLines}F\x1b[J`);
      this.drawnLines = 0;
    }
  }

  private draw(): void {
    if (this.held) return;
    const t = this.now();
    this.lastDraw = t;
    this.erase();
    const lines = [...this.bars.values()].map((bar) => {
      const { rate, eta } = this.speed(bar, t);
      return formatBar(labelled(bar.state), rate, eta, this.io.columns ?? 100);
    });
    if (lines.length === 0) return;
    this.io.write!(lines.map((l) => `${l}\x1b[K\n`).join(''));
    this.drawnLines = lines.length;
  }
}

const labelled = (s: JobProgressReport): JobProgressReport => ({ ...s, label: `${s.label ?? '?'} @ ${s.worker}` });
