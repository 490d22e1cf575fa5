/**
 * All-reduce of one float vector per replica through shared memory, for data-parallel training
 * over worker threads: each rank writes its vector and its sample count into its slot and
 * statistics row; after a
 * barrier, rank r sums chunk r over all slots, weighted by count / total, into `result` (a reduce-scatter, so the summing
 * work is split between the replicas) and the sum of squares of that chunk's gradient part into
 * `partials`; after a second barrier every rank reads the whole result (all-gather for free).
 * Sums run in rank order, so every run gives the same bits.
 *
 * Barriers block with `Atomics.wait` (allowed in worker threads, not in a browser's main
 * thread) and give up when any rank calls `abort()`, so one failing replica cannot hang the rest.
 */
export interface ReductionBuffers {
  readonly world: number;
  /** Floats per replica: gradients, then float buffers (for buffer averaging). */
  readonly length: number;
  /** Of `length`, the gradient part (the norm covers only it). */
  readonly gradLength: number;
  /** Int32: [arrived, generation, aborted]. */
  readonly control: SharedArrayBuffer;
  /** Float32 [world, length]. */
  readonly slots: SharedArrayBuffer;
  /** Float32 [length]. */
  readonly result: SharedArrayBuffer;
  /**
   * Float64 [2, world, 4]: loss * share, correct, count, chunk sum of squares. Two copies used on
   * alternate steps, so a fast rank writing step t+1's row cannot race a slow rank still reading
   * step t's (it cannot reach step t+2 before the slow rank has passed step t+1's first barrier).
   */
  readonly stats: SharedArrayBuffer;
}

const ARRIVED = 0;
const GENERATION = 1;
const ABORTED = 2;

export function allocateReduction(world: number, length: number, gradLength: number): ReductionBuffers {
  return {
    world,
    length,
    gradLength,
    control: new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT),
    slots: new SharedArrayBuffer(world * length * Float32Array.BYTES_PER_ELEMENT),
    result: new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT),
    stats: new SharedArrayBuffer(2 * world * 4 * Float64Array.BYTES_PER_ELEMENT),
  };
}

export class SharedReduction {
  private readonly control: Int32Array;
  /** This rank's slot. */
  readonly slot: Float32Array;
  private readonly slots: Float32Array;
  /** The reduced vector (valid after `reduce()` and the barrier that follows it). */
  readonly result: Float32Array;
  private readonly allStats: Float64Array;
  private phase = 0;

  constructor(
    private readonly buffers: ReductionBuffers,
    readonly rank: number,
  ) {
    this.control = new Int32Array(buffers.control);
    this.slots = new Float32Array(buffers.slots);
    this.slot = this.slots.subarray(rank * buffers.length, (rank + 1) * buffers.length);
    this.result = new Float32Array(buffers.result);
    this.allStats = new Float64Array(buffers.stats);
  }

  /** This step's statistics rows, [world, 4]: [loss * share, correct, count, chunk sum of squares]. */
  get stats(): Float64Array {
    const n = this.buffers.world * 4;
    return this.allStats.subarray(this.phase * n, (this.phase + 1) * n);
  }

  /** Ends a step: the next one uses the other copy of the statistics. */
  advance(): void {
    this.phase = 1 - this.phase;
  }

  /** Waits until every rank has arrived. Throws if a rank aborted. */
  barrier(): void {
    const { world } = this.buffers;
    const generation = Atomics.load(this.control, GENERATION);
    if (Atomics.add(this.control, ARRIVED, 1) === world - 1) {
      Atomics.store(this.control, ARRIVED, 0);
      Atomics.add(this.control, GENERATION, 1);
      Atomics.notify(this.control, GENERATION);
      return;
    }
    while (Atomics.load(this.control, GENERATION) === generation) {
      if (Atomics.load(this.control, ABORTED) !== 0) throw new Error('data-parallel: another replica failed; step abandoned');
      Atomics.wait(this.control, GENERATION, generation, 1000);
    }
  }

  /**
   * Sums this rank's chunk over all slots into `result`, each slot weighted by its rank's share of
   * the batch (count / total, from the statistics rows: the slots hold plain gradients, so that
   * writing them is a copy), and its gradient sum of squares into `stats`.
   */
  reduce(): void {
    const { world, length, gradLength } = this.buffers;
    const chunk = Math.ceil(length / world);
    const begin = Math.min(length, this.rank * chunk);
    const end = Math.min(length, begin + chunk);
    const slots = this.slots;
    const out = this.result;
    const stats = this.stats;
    let total = 0;
    for (let k = 0; k < world; k++) total += stats[k * 4 + 2] as number;
    const weights = Array.from({ length: world }, (_, k) => (total > 0 ? (stats[k * 4 + 2] as number) / total : 0));
    let squares = 0;
    if (world === 2) {
      // The common case without the inner loop: two streams, one pass.
      const [w0, w1] = weights as [number, number];
      for (let i = begin; i < end; i++) {
        const f = Math.fround(w0 * (slots[i] as number) + w1 * (slots[length + i] as number));
        out[i] = f;
        if (i < gradLength) squares += f * f;
      }
    } else {
      for (let i = begin; i < end; i++) {
        let s = 0;
        for (let k = 0; k < world; k++) s += (weights[k] as number) * (slots[k * length + i] as number);
        const f = Math.fround(s);
        out[i] = f;
        if (i < gradLength) squares += f * f;
      }
    }
    stats[this.rank * 4 + 3] = squares;
  }

  /** Makes every current and future barrier throw. */
  abort(): void {
    Atomics.store(this.control, ABORTED, 1);
    Atomics.add(this.control, GENERATION, 0);
    Atomics.notify(this.control, GENERATION);
  }
}
