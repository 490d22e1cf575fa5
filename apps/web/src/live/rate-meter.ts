/** A summary of a {@link RateMeter}: median work time per frame and frames completed per second. */
export interface RateSummary {
  readonly count: number;
  /** Median time spent per frame, ms (NaN before the first). */
  readonly medianMs: number;
  /** Frames per second over the window's wall time (NaN with fewer than two frames). */
  readonly fps: number;
}

/**
 * Frame rate of one stage (pose estimation, classification) over a sliding window of the last
 * `window` frames: how long each took and how often one completed.
 */
export class RateMeter {
  private readonly durations: number[] = [];
  private readonly ends: number[] = [];
  private total = 0;

  constructor(private readonly window = 60) {}

  /** Records one frame that took `ms` and completed at `endMs` (performance.now()). */
  record(ms: number, endMs: number): void {
    this.durations.push(ms);
    this.ends.push(endMs);
    this.total++;
    if (this.durations.length > this.window) {
      this.durations.shift();
      this.ends.shift();
    }
  }

  summary(): RateSummary {
    const sorted = [...this.durations].sort((a, b) => a - b);
    const n = sorted.length;
    const medianMs = n === 0 ? Number.NaN : n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
    const span = n < 2 ? 0 : this.ends[n - 1]! - this.ends[0]!;
    return { count: this.total, medianMs, fps: span > 0 ? ((n - 1) * 1000) / span : Number.NaN };
  }

  reset(): void {
    this.durations.length = 0;
    this.ends.length = 0;
    this.total = 0;
  }

  /** "41 ms/frame, 18.5 fps" (or a dash before any frame). */
  format(): string {
    const { medianMs, fps } = this.summary();
    if (Number.isNaN(medianMs)) return '—';
    return `${medianMs.toFixed(0)} ms/frame${Number.isNaN(fps) ? '' : `, ${fps.toFixed(1)} fps`}`;
  }
}
