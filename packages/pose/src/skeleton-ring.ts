import { preprocessSample, type Layout, type PackTransformOptions, type SkeletonSample } from '@skelnorm/data';

/** Options of {@link SkeletonRing}. */
export interface SkeletonRingOptions {
  /** What each pushed skeleton holds (V, C) and how the window is preprocessed. */
  readonly layout: Layout;
  /** T, frames of the model's input. */
  readonly frames: number;
  /** The model's frame rate; default 30 (NTU RGB+D's Kinect). */
  readonly fps?: number;
  /**
   * Longest time without anybody that is still bridged, ms; default 500. A shorter gap (dropped or
   * slow estimator frames, a missed detection) is interpolated across; a longer one starts the ring over.
   */
  readonly maxGapMs?: number;
  /** M, person slots; default 2. Persons beyond M in a push are dropped. */
  readonly persons?: number;
  /** The preprocessing of `preprocessSample`; default `{}`, as `skelnorm train` packs (leave it unless the model was trained with other `--coords`). */
  readonly transform?: PackTransformOptions | false;
}

const DEFAULTS = { fps: 30, maxGapMs: 500, persons: 2 } as const;

/** One pushed estimator result that had somebody: `[M * V * C]`, an all-zero slot is absent. */
interface Observation {
  readonly t: number;
  readonly data: Float32Array;
  readonly present: Uint8Array;
}

/**
 * The live window of a skeleton model: pose-estimator results arrive at irregular times (whatever
 * the estimator manages, 15-25 fps), the model wants T frames at its training frame rate. The ring
 * keeps timestamped skeletons and, on {@link toSample}, resamples them to `fps` by linear
 * interpolation ending at the newest skeleton, then preprocesses them with `preprocessSample`, the
 * function that prepared the training data.
 *
 * - Dropped frames: a gap of up to `maxGapMs` between skeletons is interpolated across.
 * - A person leaving: pushes with nobody (`[]` or all-zero slots) add nothing; once nobody has been
 *   seen for more than `maxGapMs`, the ring starts over (the next action is not glued to the last).
 * - Persons: slot m is the m-th array of each push (keep an identity order upstream); beyond M are
 *   dropped. A slot present in one of two bracketing skeletons takes that one (no blending with zeros),
 *   as `resampleFrames` does.
 * - Equal timestamps: the later push replaces the earlier (an estimator that reports one frame twice).
 */
export class SkeletonRing {
  readonly layout: Layout;
  readonly frames: number;
  readonly fps: number;
  readonly maxGapMs: number;
  readonly persons: number;
  private readonly transform: PackTransformOptions | false;
  private observations: Observation[] = [];
  private lastTimestamp = -Infinity;

  constructor(options: SkeletonRingOptions) {
    const { layout, frames } = options;
    const fps = options.fps ?? DEFAULTS.fps;
    const maxGapMs = options.maxGapMs ?? DEFAULTS.maxGapMs;
    const persons = options.persons ?? DEFAULTS.persons;
    if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`SkeletonRing: frames must be a positive integer, got ${frames}`);
    if (!(fps > 0 && Number.isFinite(fps))) throw new RangeError(`SkeletonRing: fps must be positive, got ${fps}`);
    if (!(maxGapMs >= 0)) throw new RangeError(`SkeletonRing: maxGapMs must be >= 0, got ${maxGapMs}`);
    if (!Number.isInteger(persons) || persons < 1) throw new RangeError(`SkeletonRing: persons must be a positive integer, got ${persons}`);
    this.layout = layout;
    this.frames = frames;
    this.fps = fps;
    this.maxGapMs = maxGapMs;
    this.persons = persons;
    this.transform = options.transform ?? {};
  }

  /** ms between two model frames. */
  private get frameMs(): number {
    return 1000 / this.fps;
  }

  /**
   * One estimator result at `timestampMs` (e.g. `performance.now()` or the video frame's time).
   * `persons`: each `[V * C]` of the layout (for `ntu25-live`, `blazePoseToNtu(...).xyz`); `[]` when
   * nobody is in view.
   *
   * @throws RangeError when the timestamp is smaller than the previous one (naming both) or not
   *   finite, a person's length is not V * C, or a number is not finite.
   */
  push(timestampMs: number, persons: readonly Float32Array[]): void {
    if (!Number.isFinite(timestampMs)) throw new RangeError(`SkeletonRing.push: timestamp must be a finite number of ms, got ${timestampMs}`);
    if (timestampMs < this.lastTimestamp) {
      throw new RangeError(`SkeletonRing.push: timestamp ${timestampMs} ms is before the previous one, ${this.lastTimestamp} ms; timestamps must increase`);
    }
    const size = this.layout.joints * this.layout.channels;
    persons.forEach((p, m) => {
      if (p.length !== size) throw new RangeError(`SkeletonRing.push: person ${m} has ${p.length} numbers; layout ${this.layout.name} expects V * C = ${this.layout.joints} * ${this.layout.channels} = ${size}`);
      const bad = p.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new RangeError(`SkeletonRing.push: person ${m}, joint ${Math.floor(bad / this.layout.channels)}, channel ${bad % this.layout.channels} is ${p[bad]} at ${timestampMs} ms; expected a finite number`);
    });
    this.lastTimestamp = timestampMs;
    const newest = this.observations.at(-1);
    if (newest && timestampMs - newest.t > this.maxGapMs) this.observations = [];
    const data = new Float32Array(this.persons * size);
    const present = new Uint8Array(this.persons);
    persons.slice(0, this.persons).forEach((p, m) => {
      data.set(p, m * size);
      present[m] = p.some((v) => v !== 0) ? 1 : 0;
    });
    if (!present.some((p) => p === 1)) return; // nobody: only time passes
    if (newest && newest.t === timestampMs && this.observations.length > 0) this.observations.pop();
    this.observations.push({ t: timestampMs, data, present });
    // Keep what the window can still reach: everything after its start and one skeleton before it.
    const start = timestampMs - (this.frames - 1) * this.frameMs;
    while (this.observations.length > 1 && this.observations[1]!.t <= start) this.observations.shift();
  }

  /** Model frames (at `fps`) that the pushed skeletons span, at most T. */
  private get spannedFrames(): number {
    const first = this.observations[0];
    const last = this.observations.at(-1);
    if (!first || !last) return 0;
    // The epsilon absorbs float error in timestamps that are exact multiples of the frame time.
    return Math.min(this.frames, Math.floor((last.t - first.t) / this.frameMs + 1e-6) + 1);
  }

  /** Fraction of the T-frame window that holds real frames, 0..1. */
  get filled(): number {
    return this.spannedFrames / this.frames;
  }

  /** The window is full: {@link filled} is 1. */
  get ready(): boolean {
    return this.spannedFrames === this.frames;
  }

  /**
   * The window as a `SkeletonSample` `[M, T, V, C]`, label 0: the pushed skeletons resampled to `fps`
   * (linear interpolation, at most T frames, the newest last), then `preprocessSample` with the
   * layout and transform (`ntu25-live`: the live synthesis, trim, centre, align, resample to T; so a
   * window that is not yet full is stretched to T, as short training clips are). An empty ring gives
   * an all-zero sample.
   */
  toSample(name = 'live'): SkeletonSample {
    const { joints: V, channels: C } = this.layout;
    const M = this.persons;
    const n = this.spannedFrames;
    const size = V * C;
    const data = new Float32Array(M * n * size);
    const last = this.observations.at(-1);
    let i = 0;
    for (let k = 0; k < n; k++) {
      const t = Math.max(this.observations[0]!.t, last!.t - (n - 1 - k) * this.frameMs);
      while (i + 1 < this.observations.length - 1 && this.observations[i + 1]!.t <= t) i++;
      const a = this.observations[i]!;
      const b = this.observations[Math.min(i + 1, this.observations.length - 1)]!;
      const w = b.t > a.t ? Math.min(1, Math.max(0, (t - a.t) / (b.t - a.t))) : 0;
      for (let m = 0; m < M; m++) {
        let [wa, wb] = [1 - w, w];
        if (!a.present[m] && b.present[m]) [wa, wb] = [0, 1];
        else if (a.present[m] && !b.present[m]) [wa, wb] = [1, 0];
        const out = (m * n + k) * size;
        for (let j = 0; j < size; j++) data[out + j] = wa * a.data[m * size + j]! + wb * b.data[m * size + j]!;
      }
    }
    if (n === 0) {
      const empty = new Float32Array(M * this.frames * size);
      return { name, label: 0, data: empty, persons: M, frames: this.frames, joints: V, channels: C, validFrames: 0, personMask: new Uint8Array(M) };
    }
    const personMask = new Uint8Array(M);
    for (let m = 0; m < M; m++) personMask[m] = data.subarray(m * n * size, (m + 1) * n * size).some((v) => v !== 0) ? 1 : 0;
    const window: SkeletonSample = { name, label: 0, data, persons: M, frames: n, joints: V, channels: C, validFrames: n, personMask };
    return preprocessSample(window, { frames: this.frames, layout: this.layout.name, transform: this.transform });
  }

  /** Forgets every skeleton and the last timestamp (a new action, a new person, a new video's clock). */
  reset(): void {
    this.observations = [];
    this.lastTimestamp = -Infinity;
  }
}
