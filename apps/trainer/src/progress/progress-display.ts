import type { CommandIO } from '../command.js';

export interface ProgressOptions {
  /** Clock in ms; injectable for tests. Default `performance.now()`. */
  readonly now?: () => number;
  /** TTY: minimum ms between redraws. Default 100. */
  readonly redrawIntervalMs?: number;
  /** Not a TTY: minimum ms between plain progress lines within an epoch. Default 15 000. */
  readonly lineIntervalMs?: number;
}

/** Where training is, for one update. */
export interface ProgressState {
  readonly epoch: number;
  readonly epochs: number;
  /** Step within the epoch, 1-based. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly loss?: number;
  /** Running train accuracy within the epoch, 0..1. */
  readonly accuracy?: number;
  /** Which run this is (the ablation names variant and seed). */
  readonly label?: string;
}

/**
 * Training progress on a terminal: a redrawn bar with steps/s and ETA. When stdout is not a TTY
 * (a pipe, a CI log, a test) it prints plain lines instead, at most one per `lineIntervalMs`,
 * so logs stay readable. Messages printed through `log` never get mixed into the bar.
 *
 * Steps/s is measured over the steps since the display started (or since `resetRate`), ETA is
 * the remaining steps of the whole run divided by that rate.
 */
export class ProgressDisplay {
  private readonly now: () => number;
  private readonly redrawIntervalMs: number;
  private readonly lineIntervalMs: number;
  private rateStart: number;
  private rateStartStep = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastLine: number;
  private barVisible = false;

  constructor(
    private readonly io: CommandIO,
    options: ProgressOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.redrawIntervalMs = options.redrawIntervalMs ?? 100;
    this.lineIntervalMs = options.lineIntervalMs ?? 15_000;
    this.rateStart = this.now();
    this.lastLine = this.rateStart;
  }

  /** True when a redrawn bar is shown (TTY with raw writes), false for plain lines. */
  get interactive(): boolean {
    return this.io.isTTY && typeof this.io.write === 'function';
  }

  /** Starts measuring steps/s afresh (e.g. after a resume, or after slow first compiles). */
  resetRate(globalStep = 0): void {
    this.rateStart = this.now();
    this.rateStartStep = globalStep;
  }

  update(state: ProgressState): void {
    const t = this.now();
    const globalStep = (state.epoch - 1) * state.stepsPerEpoch + state.step;
    const totalSteps = state.epochs * state.stepsPerEpoch;
    const elapsed = (t - this.rateStart) / 1000;
    const done = globalStep - this.rateStartStep;
    const rate = elapsed > 0 && done > 0 ? done / elapsed : undefined;
    const eta = rate ? (totalSteps - globalStep) / rate : undefined;
    if (this.interactive) {
      if (t - this.lastDraw < this.redrawIntervalMs && state.step !== state.stepsPerEpoch) return;
      this.lastDraw = t;
      this.io.write!(`\r${formatBar(state, rate, eta, this.io.columns ?? 100)}\x1b[K`);
      this.barVisible = true;
      return;
    }
    if (t - this.lastLine < this.lineIntervalMs) return;
    this.lastLine = t;
    this.io.out(formatLine(state, rate, eta));
  }

  /** Prints a message on its own line (clearing the bar first on a TTY). */
  log(message: string): void {
    this.clear();
    this.io.out(message);
    // After a message (e.g. the end of an epoch), the next plain progress line waits a full interval.
    this.lastLine = this.now();
  }

  /** Removes the bar so that the terminal is left clean. */
  clear(): void {
    if (this.barVisible && this.io.write) {
      this.io.write('\r\x1b[K');
      this.barVisible = false;
    }
  }
}

const fmtRate = (rate: number | undefined) => (rate === undefined ? '? steps/s' : rate >= 10 ? `${rate.toFixed(0)} steps/s` : `${rate.toFixed(2)} steps/s`);

/** `12:05` / `1:02:03`, or `?` before the rate is known. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

function metrics(state: ProgressState): string {
  const parts: string[] = [];
  if (state.loss !== undefined && Number.isFinite(state.loss)) parts.push(`loss ${state.loss.toFixed(4)}`);
  if (state.accuracy !== undefined) parts.push(`acc ${(state.accuracy * 100).toFixed(1)}%`);
  return parts.join(' ');
}

export function formatBar(state: ProgressState, rate: number | undefined, eta: number | undefined, columns: number): string {
  const head = `${state.label ? `[${state.label}] ` : ''}epoch ${state.epoch}/${state.epochs}`;
  const tail = `${state.step}/${state.stepsPerEpoch} ${metrics(state)} ${fmtRate(rate)} ETA ${formatEta(eta)}`.replace(/\s+/g, ' ');
  const barWidth = Math.max(10, Math.min(40, columns - head.length - tail.length - 6));
  const fraction = state.stepsPerEpoch > 0 ? Math.min(1, state.step / state.stepsPerEpoch) : 0;
  const filled = Math.round(fraction * barWidth);
  return `${head} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${tail}`;
}

export function formatLine(state: ProgressState, rate: number | undefined, eta: number | undefined): string {
  return `${state.label ? `[${state.label}] ` : ''}epoch ${state.epoch}/${state.epochs} step ${state.step}/${state.stepsPerEpoch} ${metrics(state)} ${fmtRate(rate)} ETA ${formatEta(eta)}`.replace(/\s+/g, ' ');
}
