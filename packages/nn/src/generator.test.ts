import { describe, expect, it } from 'vitest';
import { Generator } from './index.js';

describe('Generator', () => {
  it('is xoshiro128**: the reference outputs for state (1, 2, 3, 4)', () => {
    // From the reference C code (Blackman & Vigna), computed independently in Python.
    const rng = Generator.fromState({ algorithm: 'xoshiro128**', words: [1, 2, 3, 4], spareNormal: null });
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('repeats a stream from a seed and resumes from a saved state', () => {
    const a = new Generator(42);
    const b = new Generator(42);
    expect([a.nextFloat(), a.normal(), a.nextInt(10)]).toEqual([b.nextFloat(), b.normal(), b.nextInt(10)]);
    a.normal(); // leaves a spare normal in the state
    const saved = JSON.parse(JSON.stringify(a.getState()));
    const resumed = Generator.fromState(saved);
    expect([resumed.normal(), resumed.nextUint32()]).toEqual([a.normal(), a.nextUint32()]);
    expect(new Generator(1).nextUint32()).not.toBe(new Generator(2).nextUint32());
    expect(new Generator(1, 0).nextUint32()).not.toBe(new Generator(1, 1).nextUint32());
  });

  it('draws from the right ranges and distributions', () => {
    const rng = new Generator(5);
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

  it('reseeds in place, and refuses a state it cannot continue', () => {
    const g = new Generator(3);
    const first = [g.nextUint32(), g.normal()];
    g.manualSeed(3);
    expect([g.nextUint32(), g.normal()]).toEqual(first);
    expect(() => g.setState([1, 2, 3, 4] as never)).toThrow(/sfc32 state from skelnorm 0\.1/);
    expect(() => g.setState({ algorithm: 'xoshiro128**', words: [0, 0, 0, 0], spareNormal: null })).toThrow(/all-zero/);
    expect(() => g.setState({ algorithm: 'xoshiro128**', words: [1, 2, 3], spareNormal: null } as never)).toThrow(/four unsigned 32-bit words/);
  });
});
