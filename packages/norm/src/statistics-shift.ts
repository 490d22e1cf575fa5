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

/**
 * How different two populations are (e.g. a shared layer's call 0 and call 1), symmetric: the mean
 * shift in units of the pooled standard deviation sqrt((var_a + var_b) / 2 + eps) and the variance
 * ratio oriented so that its geometric mean is >= 1.
 */
export function populationDistance(a: PooledMoments, b: PooledMoments, eps: number): StatisticsShift {
  const va = a.variance(true);
  const vb = b.variance(true);
  const pooled = va.map((v, c) => (v + (vb[c] ?? 0)) / 2);
  const shift = compare(a.mean, pooled, b.mean, pooled, eps);
  const ratio = compare(a.mean, va, b.mean, vb, eps).varianceRatio;
  const varianceRatio = ratio.mean >= 1 ? ratio : { min: 1 / ratio.max, max: 1 / ratio.min, mean: 1 / ratio.mean };
  return { meanShiftSigma: shift.meanShiftSigma, varianceRatio };
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
