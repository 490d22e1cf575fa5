import { describe, expect, it } from 'vitest';
import { Generator } from '@skelnorm/nn';
import { randomScale, scaleSample, type SkeletonSample } from './index.js';

function twoPersons(): SkeletonSample {
  const data = new Float32Array(2 * 2 * 1 * 3);
  data.set([1, 2, 3, -4, 5, 0.5]); // person 0, frames 0-1; person 1 absent
  return { name: 'S001C001P001R001A001', label: 0, data, persons: 2, frames: 2, joints: 1, channels: 3, validFrames: 2, personMask: Uint8Array.of(1, 0) };
}

describe('random scaling (PYSKL RandomScale)', () => {
  it('multiplies each axis by 1 + u * scale, u uniform in [-1, 1) drawn per axis from the generator', () => {
    const g = new Generator(5, 0, 2);
    const factors = [0, 1, 2].map(() => 1 + g.uniform(-1, 1) * 0.1);
    const out = randomScale(twoPersons(), new Generator(5, 0, 2));
    const expected = [1, 2, 3, -4, 5, 0.5].map((x, i) => x * factors[i % 3]!);
    Array.from(out.data.subarray(0, 6)).forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 5));
    expect(out.data.subarray(6).every((x) => x === 0)).toBe(true); // absent person stays zero
    factors.forEach((f) => expect(Math.abs(f - 1)).toBeLessThanOrEqual(0.1));
  });

  it('leaves channels past `axes` alone and refuses a wrong factor count', () => {
    const out = randomScale(twoPersons(), new Generator(1), { scale: 0.5, axes: 2 });
    expect(out.data[2]).toBe(3);
    expect(out.data[5]).toBe(0.5);
    expect(() => scaleSample(twoPersons(), [1, 2])).toThrow(/expected 3 factors for sample S001C001P001R001A001/);
  });
});
