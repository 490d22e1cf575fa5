/**
 * The project's one seeded pseudo-random generator, the counterpart of `torch.Generator`: weight
 * initialization, dropout masks, shuffles, augmentation and synthetic data all draw from it, so a
 * seed reproduces a whole run. Algorithm: xoshiro128** (Blackman and Vigna, 2018; 128-bit state,
 * period 2^128 - 1), seeded through SplitMix32 so that nearby seeds give unrelated streams. Not for
 * cryptography.
 *
 * Its whole state is plain numbers ({@link Generator.getState}), so a checkpoint resumes a stream
 * exactly.
 *
 * ```ts
 * const g = new Generator(42);
 * g.nextFloat();              // uniform in [0, 1)
 * g.nextInt(10);              // uniform integer in [0, 10)
 * g.normal();                 // standard normal
 * new Generator(42, epoch);   // one seed, many independent reproducible streams
 * ```
 */

/** The resumable state of a {@link Generator}: JSON-safe. */
export interface GeneratorState {
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
  if (!Number.isFinite(seed)) throw new RangeError(`Generator: seed must be a finite number, got ${seed}`);
  let h = splitMix32((seed >>> 0) ^ 0x6a09e667);
  h = splitMix32(h ^ (Math.floor(seed / TWO_POW_32) >>> 0));
  if (!Number.isInteger(seed)) h = splitMix32(h ^ Math.floor((seed % 1) * TWO_POW_32));
  for (const key of keys) {
    if (!Number.isFinite(key)) throw new RangeError(`Generator: key must be a finite number, got ${key}`);
    h = splitMix32(h ^ (key >>> 0));
    h = splitMix32(h ^ (Math.floor(key / TWO_POW_32) >>> 0));
  }
  return h;
}

export class Generator {
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
    this.reseed(seed, keys);
  }

  /** Reseeds in place, like `torch.Generator.manual_seed`. */
  manualSeed(seed: number, ...keys: number[]): this {
    this.reseed(seed, keys);
    return this;
  }

  private reseed(seed: number, keys: readonly number[]): void {
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
    this.spare = null;
  }

  /** Restores a generator saved with {@link Generator.getState}. */
  static fromState(state: GeneratorState): Generator {
    return new Generator(0).setState(state);
  }

  /** The full state (JSON-safe); {@link Generator.setState} continues the same stream. */
  getState(): GeneratorState {
    return { algorithm: 'xoshiro128**', words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spare };
  }

  setState(state: GeneratorState): this {
    if (Array.isArray(state)) {
      // Checkpoints of skelnorm 0.1 hold four sfc32 words: a stream this generator cannot continue.
      throw new TypeError('Generator.setState: this state is an sfc32 state from skelnorm 0.1; resume that run with the version that wrote it, or start it afresh');
    }
    const words = state?.words;
    const valid = state?.algorithm === 'xoshiro128**' && Array.isArray(words) && words.length === 4 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff);
    if (!valid) throw new TypeError(`Generator.setState: expected an xoshiro128** state of four unsigned 32-bit words, got ${JSON.stringify(state)}`);
    if ((words[0] | words[1] | words[2] | words[3]) === 0) throw new RangeError('Generator.setState: the all-zero state is invalid');
    const spare = state.spareNormal;
    if (spare !== null && !Number.isFinite(spare)) throw new TypeError(`Generator.setState: spareNormal must be a finite number or null, got ${spare}`);
    [this.s0, this.s1, this.s2, this.s3] = words;
    this.spare = spare;
    return this;
  }

  /** An independent generator: 32 bits of this stream plus `keys`, hashed. Advances this one by one step. */
  fork(...keys: number[]): Generator {
    return new Generator(this.nextUint32(), ...keys);
  }

  /** A uniformly distributed unsigned 32-bit integer. */
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

  /** A float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** An integer in [0, n), without modulo bias (rejection sampling); `n` in 1..2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Generator.nextInt: n must be an integer in 1..2^32, got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A float uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.nextFloat();
  }

  /** Fills `out` with values uniform in [low, high). */
  fillUniform(out: Float32Array, low: number, high: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** A fresh 32-bit seed for an op that takes a seed (e.g. a dropout mask). */
  nextSeed(): number {
    return this.nextUint32();
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

/** The generator used when a layer is given none, like PyTorch's default generator. */
export const defaultGenerator = new Generator(0);

/** Reseeds the default generator, like `torch.manual_seed`. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
