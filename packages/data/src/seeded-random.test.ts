import { describe, expect, it } from 'vitest';
import { SeededRandom } from './index.js';

describe('SeededRandom', () => {
  it('is xoshiro128**: the reference outputs for state (1, 2, 3, 4)', () => {
    // From the reference C code (Blackman & Vigna), computed independently in Python.
    const rng = SeededRandom.fromState({ algorithm: 'xoshiro128**', words: [1, 2, 3, 4], spareNormal: null });
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('repeats a stream from a seed and resumes from a saved state', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    expect([a.nextFloat(), a.normal(), a.nextInt(10)]).toEqual([b.nextFloat(), b.normal(), b.nextInt(10)]);
    a.normal(); // leaves a spare normal in the state
    const saved = JSON.parse(JSON.stringify(a.state()));
    const resumed = SeededRandom.fromState(saved);
    expect([resumed.normal(), resumed.nextUint32()]).toEqual([a.normal(), a.nextUint32()]);
    expect(new SeededRandom(1).nextUint32()).not.toBe(new SeededRandom(2).nextUint32());
    expect(new SeededRandom(1, 0).nextUint32()).not.toBe(new SeededRandom(1, 1).nextUint32());
  });

  it('draws from the right ranges and distributions', () => {
    const rng = new SeededRandom(5);
    const n = 20000;
    let sum = 0;
    let sq = 0;
    const counts = new Array(7).fill(0);
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
      const f = rng.nextFloat();
      if (!(f >= 0 && f < 1)) outside++;
      counts[rng.nextInt(7)]++;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.04);
    for (const c of counts) expect(Math.abs(c - n / 7)).toBeLessThan(0.06 * (n / 7));
    const p = rng.permutation(50);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(() => rng.nextInt(0)).toThrow(/n must be an integer/);
  });
});
