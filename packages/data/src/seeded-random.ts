/**
 * A small, fast, seeded random number generator for reproducible shuffles, augmentation and
 * synthetic data: xoshiro128** (Blackman and Vigna, 2018; 128-bit state, period 2^128 - 1), seeded
 * through SplitMix32 so that nearby seeds give unrelated streams. Its whole state is plain numbers
 * ({@link SeededRandom.state}) so a checkpoint can resume a stream exactly.
 */

/** The resumable state of a {@link SeededRandom}: JSON-safe. */
export interface SeededRandomState {
  readonly algorithm: 'xoshiro128**';
  /** The four 32-bit state words, unsigned. */
  readonly words: readonly [number, number, number, number];
  /** The second value of the last Box-Muller pair, not yet returned by `normal()`; null if none. */
  readonly spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;

/** SplitMix32 step: a well-mixed 32-bit value from a counter (also used to hash seeds and keys). */
function splitMix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Folds a number (any safe integer, or a float by its value) and optional keys into one 32-bit hash. */
function hashSeed(seed: number, keys: readonly number[]): number {
  if (!Number.isFinite(seed)) throw new RangeError(`SeededRandom: seed must be a finite number, got ${seed}`);
  let h = splitMix32((seed >>> 0) ^ 0x6a09e667);
  h = splitMix32(h ^ (Math.floor(seed / TWO_POW_32) >>> 0));
  if (!Number.isInteger(seed)) h = splitMix32(h ^ Math.floor((seed % 1) * TWO_POW_32));
  for (const key of keys) {
    if (!Number.isFinite(key)) throw new RangeError(`SeededRandom: key must be a finite number, got ${key}`);
    h = splitMix32(h ^ (key >>> 0));
    h = splitMix32(h ^ (Math.floor(key / TWO_POW_32) >>> 0));
  }
  return h;
}

/**
 * Seeded pseudo-random numbers (xoshiro128**). Not for cryptography.
 *
 * ```ts
 * const rng = new SeededRandom(42);
 * rng.nextFloat();        // uniform in [0, 1)
 * rng.nextInt(10);        // uniform integer in [0, 10)
 * rng.normal();           // standard normal
 * const saved = rng.state();
 * SeededRandom.fromState(saved).nextFloat() === rng.nextFloat(); // true
 * ```
 */
export class SeededRandom {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /**
   * @param seed any finite number; equal seeds give equal streams. Default 0.
   * @param keys optional extra numbers mixed into the seed (e.g. epoch, sample index), so that one
   *   seed yields many independent, reproducible streams.
   */
  constructor(seed = 0, ...keys: number[]) {
    let h = hashSeed(seed, keys);
    h = splitMix32(h);
    this.s0 = h;
    h = splitMix32(h);
    this.s1 = h;
    h = splitMix32(h);
    this.s2 = h;
    h = splitMix32(h);
    this.s3 = h;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** A generator for `(seed, ...keys)`: the same as `new SeededRandom(seed, ...keys)`. */
  static derive(seed: number, ...keys: number[]): SeededRandom {
    return new SeededRandom(seed, ...keys);
  }

  /** Restores a generator saved with {@link SeededRandom.state}. */
  static fromState(state: SeededRandomState): SeededRandom {
    if (state.algorithm !== 'xoshiro128**' || state.words.length !== 4) {
      throw new TypeError(`SeededRandom.fromState: expected an xoshiro128** state of 4 words, got ${JSON.stringify(state)}`);
    }
    const rng = new SeededRandom(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state.words.map((w) => w >>> 0) as [number, number, number, number];
    if ((rng.s0 | rng.s1 | rng.s2 | rng.s3) === 0) throw new RangeError('SeededRandom.fromState: the all-zero state is invalid');
    rng.spare = state.spareNormal;
    return rng;
  }

  /** The full state (JSON-safe); {@link SeededRandom.fromState} continues the same stream. */
  state(): SeededRandomState {
    return { algorithm: 'xoshiro128**', words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spare };
  }

  /** An independent generator: 32 bits of this stream plus `keys`, hashed. Advances this one by one step. */
  fork(...keys: number[]): SeededRandom {
    return new SeededRandom(this.nextUint32(), ...keys);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = rotl(n3, 11);
    return r >>> 0;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform integer in [0, n), without modulo bias (rejection sampling); `n` in 1..2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`SeededRandom.nextInt: n must be an integer in 1..2^32, got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Uniform float in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.nextFloat();
  }

  /**
   * Normal deviate `mean + std * z`, z standard normal (Box-Muller, Marsaglia's polar form, on
   * 32-bit uniforms: plenty for noise and initialisation, and half the draws of `nextFloat`).
   */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.nextUint32() * 4.656612873077393e-10 - 1; // 2 / 2^32
      v = this.nextUint32() * 4.656612873077393e-10 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * factor;
    return mean + std * u * factor;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** A uniformly random permutation of `0..n-1`. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    return order;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
