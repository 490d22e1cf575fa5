import type { PooledMoments } from './pooled-moments.js';

/** How far one set of statistics is from another, summarized over channels. Plain data (JSON-safe). */
export interface StatisticsShift {
  /** |mean_a - mean_b| / sqrt(var_b + eps) per channel: max and mean over channels. */
  readonly meanShiftSigma: { readonly max: number; readonly mean: number };
  /** (var_a + eps) / (var_b + eps) per channel: min, max and geometric mean over channels. */
  readonly varianceRatio: { readonly min: number; readonly max: number; readonly mean: number };
}

/**
 * The shift of running statistics (`mean`, `variance`: what the layer normalizes with in eval mode)
 * against a population (`reference`, unbiased variance as running_var stores it), in units of the
 * population's standard deviation.
 */
export function statisticsShift(
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  reference: PooledMoments,
  eps: number,
): StatisticsShift {
  return compare(mean, variance, reference.mean, reference.variance(true), eps);
}

function compare(
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  refMean: ArrayLike<number>,
  refVariance: ArrayLike<number>,
  eps: number,
): StatisticsShift {
  const channels = mean.length;
  let maxShift = 0;
  let sumShift = 0;
  let minRatio = Infinity;
  let maxRatio = 0;
  let sumLogRatio = 0;
  for (let c = 0; c < channels; c++) {
    const sigma = Math.sqrt((refVariance[c] ?? 0) + eps);
    const shift = Math.abs((mean[c] ?? 0) - (refMean[c] ?? 0)) / sigma;
    const ratio = ((variance[c] ?? 0) + eps) / ((refVariance[c] ?? 0) + eps);
    maxShift = Math.max(maxShift, shift);
    sumShift += shift;
    minRatio = Math.min(minRatio, ratio);
    maxRatio = Math.max(maxRatio, ratio);
    sumLogRatio += Math.log(ratio);
  }
  const n = Math.max(channels, 1);
  return {
    meanShiftSigma: { max: maxShift, mean: sumShift / n },
    varianceRatio: { min: channels ? minRatio : 1, max: channels ? maxRatio : 1, mean: Math.exp(sumLogRatio / n) },
  };
}

/** True when a shift passes the thresholds: mean-over-channels shift and geometric-mean variance ratio. */
export function isLargeShift(shift: StatisticsShift, meanShiftThreshold: number, varianceRatioThreshold: number): boolean {
  const r = shift.varianceRatio.mean;
  return shift.meanShiftSigma.mean > meanShiftThreshold || r > varianceRatioThreshold || r < 1 / varianceRatioThreshold;
}

/**
 * How wrongly a call site is normalized when eval mode uses (`mean`, `variance`) instead of the
 * site's own statistics, as training did: per channel, the RMS difference between the two
 * normalized outputs, in units of the training-time output's standard deviation (1):
 *
 *   error_c = sqrt(((mu_site - mu) / sigma)^2 + (sigma_site / sigma - 1)^2),  sigma = sqrt(var + eps)
 *
 * (the offset of the output mean, and how far its spread is from 1). `site`: the site's moments, or
 * a plain mean and variance. 0 when the statistics fit the
 * site. A constant channel (an absent, all-zero person: conv bias only) is mapped to exactly 0 in
 * training and to (b - mu) / sigma in eval, which this counts in full where a mean shift in the
 * site's own sigmas would divide by zero and one averaged over channels would dilute it.
 */
export function normalizationError(
  site: PooledMoments | { readonly mean: ArrayLike<number>; readonly variance: ArrayLike<number> },
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  eps: number,
): Float64Array {
  const siteVariance = typeof site.variance === 'function' ? site.variance(false) : site.variance;
  return Float64Array.from({ length: mean.length }, (_, c) => {
    const sigma = Math.sqrt((variance[c] ?? 0) + eps);
    const offset = ((site.mean[c] ?? 0) - (mean[c] ?? 0)) / sigma;
    const spread = Math.sqrt((siteVariance[c] ?? 0) + eps) / sigma - 1;
    return Math.sqrt(offset * offset + spread * spread);
  });
}

/** A per-channel error summarized for a report: the worst channels matter. */
export interface ChannelErrorSummary {
  /** Largest error over channels, and which channel. */
  readonly max: number;
  readonly worstChannel: number;
  /** The error that 90% of channels stay under. */
  readonly p90: number;
  /** Mean over channels. */
  readonly mean: number;
  /** Channels whose error is above the threshold it was summarized with. */
  readonly channelsOver: number;
  readonly channels: number;
}

export function summarizeChannelError(error: ArrayLike<number>, threshold: number): ChannelErrorSummary {
  const values = Array.from(error);
  const sorted = [...values].sort((a, b) => a - b);
  const max = sorted.at(-1) ?? 0;
  return {
    max,
    worstChannel: Math.max(0, values.indexOf(max)),
    p90: sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))] ?? 0,
    mean: values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1),
    channelsOver: values.filter((v) => v > threshold).length,
    channels: values.length,
  };
}
