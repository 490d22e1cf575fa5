/**
 * Per-channel count, mean and sum of squared deviations of every value seen so far, pooled from
 * per-batch moments in float64 (Chan, Golub & LeVeque's parallel update): exact population
 * statistics over many batches, each weighted by its number of values, without keeping the data.
 */
export class PooledMoments {
  /** Values per channel seen so far. */
  count = 0;
  readonly mean: Float64Array;
  /** Sum over the values of (x - mean)^2, per channel. */
  readonly m2: Float64Array;

  constructor(readonly channels: number) {
    this.mean = new Float64Array(channels);
    this.m2 = new Float64Array(channels);
  }

  /** Adds a batch of `count` values per channel with the given mean and sum of squared deviations. */
  add(count: number, mean: ArrayLike<number>, m2: ArrayLike<number>): void {
    if (count <= 0) return;
    const total = this.count + count;
    for (let c = 0; c < this.channels; c++) {
      const delta = (mean[c] ?? 0) - (this.mean[c] ?? 0);
      this.mean[c] = (this.mean[c] ?? 0) + (delta * count) / total;
      this.m2[c] = (this.m2[c] ?? 0) + (m2[c] ?? 0) + (delta * delta * this.count * count) / total;
    }
    this.count = total;
  }

  /** Biased (divide by n) or unbiased (divide by n - 1, as PyTorch's running_var) variance. */
  variance(unbiased: boolean): Float64Array {
    const divisor = unbiased ? Math.max(this.count - 1, 1) : Math.max(this.count, 1);
    return this.m2.map((v) => v / divisor);
  }
}
