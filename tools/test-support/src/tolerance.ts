/**
 * Largest |a - b| / (atol + rtol |b|) over all elements; <= 1 means every element is within
 * tolerance (numpy's `allclose` rule). NaN anywhere counts as Infinity. The defaults are the
 * tolerance that float32 allows against PyTorch's reference numbers.
 */
export function toleranceRatio(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4, atol = 1e-5): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i] ?? 0;
    const r = Math.abs((actual[i] ?? 0) - e) / (atol + rtol * Math.abs(e));
    if (!(r <= worst)) worst = Number.isNaN(r) ? Infinity : Math.max(worst, r);
  }
  return worst;
}
