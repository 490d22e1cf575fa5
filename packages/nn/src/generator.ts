/**
 * A seeded pseudo-random generator, the counterpart of `torch.Generator`: a seed reproduces
 * every draw (weight initialization, dropout masks). Algorithm: sfc32 (Chris Doty-Humphrey's
 * small fast counting generator), 128 bits of state, good statistical quality, pure JS.
 *
 * The state can be saved and restored (`getState` / `setState`) so that a resumed training
 * run draws the same numbers as an uninterrupted one.
 */
export class Generator {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Reseeds in place, like `torch.Generator.manual_seed`. */
  manualSeed(seed: number): this {
    // splitmix32 expands one 32-bit seed into four well-mixed state words.
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
    return this;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`nextInt: n must be a positive integer, got ${n}`);
    return Math.floor(this.nextFloat() * n);
  }

  /** Fills `out` with values uniform in [low, high). */
  fillUniform(out: Float32Array, low: number, high: number): Float32Array {
    const span = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + span * this.nextFloat();
    return out;
  }

  /** A fresh 32-bit seed for an op that takes a seed (e.g. a dropout mask). */
  nextSeed(): number {
    return this.nextUint32();
  }

  /** The four state words; `setState` restores them exactly. */
  getState(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  setState(state: readonly number[]): this {
    if (state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new RangeError(`Generator.setState: expected four unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    [this.a, this.b, this.c, this.d] = state as [number, number, number, number];
    return this;
  }
}

/** The generator used when a layer is given none, like PyTorch's default generator. */
export const defaultGenerator = new Generator(0);

/** Reseeds the default generator, like `torch.manual_seed`. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
