import { Generator } from '@skelnorm/nn';
import { collateSkeletons, type SkeletonBatch } from './skeleton-batch.js';
import type { SkeletonSample } from './skeleton-sample.js';

/** Where an element sits: the epoch being iterated and its 0-based position in that epoch. */
export interface ElementInfo {
  readonly epoch: number;
  readonly index: number;
}

type Producer<T> = (epoch: number) => AsyncIterator<T>;
type Getter<T> = (index: number, epoch: number) => Promise<T>;

/** Options of {@link Dataset.shuffle}. */
export interface ShuffleOptions {
  /**
   * Shuffle within a sliding buffer of this many elements (tfjs-data's shuffle) instead of the whole
   * set. Default: the whole set (a permutation of indices when the dataset has random access, else
   * the epoch is buffered in memory first).
   */
  readonly window?: number;
}

/** Options of {@link Dataset.chunk} and {@link Dataset.batch}. */
export interface BatchOptions {
  /** Drop a last, smaller batch; default false. */
  readonly dropRemainder?: boolean;
  /**
   * Append a last, smaller batch to the one before it, so that every element is used and no
   * batch is smaller than `size` (the last is up to `2 * size - 1`): what passes that normalize
   * with batch statistics want, where a batch of one fails and a batch of a few is noise.
   * Default false; with fewer than `size` elements there is one batch of all of them.
   */
  readonly mergeRemainder?: boolean;
}

const disposeElement = (value: unknown): void => {
  if (value !== null && typeof value === 'object' && typeof (value as { dispose?: unknown }).dispose === 'function') {
    (value as { dispose(): void }).dispose();
  }
};
const ignore = () => {};

/**
 * A lazy, pull-based dataset: an `AsyncIterable` in which each transform returns a new dataset and
 * nothing runs until elements are pulled (after tfjs-data's `Dataset`).
 *
 * - Each `for await` over a dataset is one epoch; epochs are numbered 0, 1, 2, ... per dataset
 *   object, and `epoch(k)` iterates epoch `k` explicitly (to resume a run).
 * - `size` is carried through transforms when it is known (`null` when it is not, e.g. after `filter`).
 * - A dataset built from an array or an index (`fromArray`, `fromIndexed`) has random access; `map`,
 *   `shuffle`, `chunk`/`batch`, `take` and `skip` keep it, so a whole-set shuffle is a permutation of
 *   indices (nothing buffered) and `prefetch` loads elements concurrently.
 * - Elements that have a `dispose()` method (tensor batches) are disposed when a transform drops
 *   them (prefetched but never consumed).
 *
 * ```ts
 * const train = Dataset.fromArray(samples).shuffle(42).batch(32).prefetch(2);
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for await (const { x, y, dispose } of train) { ...; dispose(); }
 * }
 * ```
 */
export class Dataset<T> implements AsyncIterable<T> {
  private nextEpoch = 0;

  private constructor(
    private readonly produce: Producer<T>,
    /** Number of elements per epoch, or null if unknown. */
    readonly size: number | null,
    private readonly getter: Getter<T> | null,
  ) {}

  /** A dataset over an array (a snapshot of it), with random access. */
  static fromArray<T>(items: readonly T[]): Dataset<T> {
    const copy = [...items];
    return Dataset.fromIndexed(copy.length, (i) => copy[i]!);
  }

  /** A dataset of `size` elements loaded by index on demand (e.g. files, a cache), with random access. */
  static fromIndexed<T>(size: number, get: (index: number) => T | Promise<T>): Dataset<T> {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`Dataset.fromIndexed: size must be a non-negative integer, got ${size}`);
    return Dataset.indexed(size, async (i) => get(i));
  }

  /**
   * A dataset over a stream; `make` is called once per epoch and must return a fresh iterable.
   *
   * @param size elements per epoch if known; default null.
   */
  static fromIterable<T>(make: () => AsyncIterable<T> | Iterable<T>, size: number | null = null): Dataset<T> {
    return new Dataset(
      () => {
        const source = make();
        return Symbol.asyncIterator in source
          ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
          : toAsync((source as Iterable<T>)[Symbol.iterator]());
      },
      size,
      null,
    );
  }

  private static indexed<T>(size: number, get: Getter<T>): Dataset<T> {
    return new Dataset(
      async function* (epoch) {
        for (let i = 0; i < size; i++) yield await get(i, epoch);
      },
      size,
      get,
    );
  }

  private static streamed<T>(produce: Producer<T>, size: number | null): Dataset<T> {
    return new Dataset(produce, size, null);
  }

  /** True if elements can be fetched by index ({@link Dataset.get}). */
  get randomAccess(): boolean {
    return this.getter !== null;
  }

  /** Epochs started by iterating this object with `for await`. */
  get epochsStarted(): number {
    return this.nextEpoch;
  }

  /** Element `index` of epoch `epoch` (default 0); only for datasets with random access. */
  get(index: number, epoch = 0): Promise<T> {
    if (!this.getter || this.size === null) {
      throw new TypeError('Dataset.get: this dataset has no random access (it comes from a stream, filter or prefetch); iterate it instead');
    }
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`Dataset.get: index must be an integer in 0..${this.size - 1}, got ${index}`);
    }
    return this.getter(index, epoch);
  }

  /** Starts the next epoch of this dataset object. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.produce(this.nextEpoch++);
  }

  /** Epoch `epoch` as an iterable (the same elements and order each time: use it to resume). */
  epoch(epoch: number): AsyncIterable<T> {
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`Dataset.epoch: expected a non-negative integer, got ${epoch}`);
    return { [Symbol.asyncIterator]: () => this.produce(epoch) };
  }

  /** Applies `fn` to each element (lazily, when pulled); keeps size and random access. */
  map<U>(fn: (value: T, info: ElementInfo) => U | Promise<U>): Dataset<U> {
    const get = this.getter;
    if (get && this.size !== null) return Dataset.indexed(this.size, async (i, epoch) => fn(await get(i, epoch), { epoch, index: i }));
    const upstream = (epoch: number) => this.epoch(epoch);
    return Dataset.streamed(async function* (epoch) {
      let index = 0;
      for await (const value of upstream(epoch)) yield await fn(value, { epoch, index: index++ });
    }, this.size);
  }

  /** Keeps the elements for which `predicate` is true; the size becomes unknown, random access is lost. */
  filter(predicate: (value: T, info: ElementInfo) => boolean | Promise<boolean>): Dataset<T> {
    const upstream = (epoch: number) => this.epoch(epoch);
    return Dataset.streamed(async function* (epoch) {
      let index = 0;
      for await (const value of upstream(epoch)) if (await predicate(value, { epoch, index: index++ })) yield value;
    }, null);
  }

  /**
   * A new random order every epoch: epoch `e` uses `new Generator(seed, e)`, so the same seed
   * gives the same order for the same epoch, every element exactly once per epoch. Shuffles the
   * whole set unless `window` is given.
   */
  shuffle(seed: number, options: ShuffleOptions = {}): Dataset<T> {
    const { window } = options;
    if (window !== undefined && (!Number.isInteger(window) || window < 1)) {
      throw new RangeError(`Dataset.shuffle: window must be a positive integer, got ${window}`);
    }
    const get = this.getter;
    const size = this.size;
    if (window === undefined && get && size !== null) {
      let cached: { epoch: number; order: Int32Array } | null = null;
      const orderOf = (epoch: number) => {
        if (cached?.epoch !== epoch) cached = { epoch, order: new Generator(seed, epoch).permutation(size) };
        return cached.order;
      };
      return Dataset.indexed(size, (i, epoch) => get(orderOf(epoch)[i]!, epoch));
    }
    const upstream = (epoch: number) => this.epoch(epoch);
    if (window === undefined) {
      return Dataset.streamed(async function* (epoch) {
        const all: T[] = [];
        for await (const value of upstream(epoch)) all.push(value);
        yield* new Generator(seed, epoch).shuffle(all);
      }, size);
    }
    return Dataset.streamed(async function* (epoch) {
      const random = new Generator(seed, epoch);
      const buffer: T[] = [];
      for await (const value of upstream(epoch)) {
        if (buffer.length < window) {
          buffer.push(value);
          continue;
        }
        const k = random.nextInt(window);
        yield buffer[k]!;
        buffer[k] = value;
      }
      while (buffer.length > 0) {
        const k = random.nextInt(buffer.length);
        yield buffer[k]!;
        buffer[k] = buffer[buffer.length - 1]!;
        buffer.pop();
      }
    }, size);
  }

  /** Groups consecutive elements into arrays of `size` (the last one smaller unless dropped). */
  chunk(size: number, options: BatchOptions = {}): Dataset<T[]> {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Dataset.chunk: size must be a positive integer, got ${size}`);
    const drop = options.dropRemainder ?? false;
    const merge = options.mergeRemainder ?? false;
    if (drop && merge) throw new Error('Dataset.chunk: dropRemainder and mergeRemainder exclude each other');
    const n = this.size;
    const count = n === null ? null : drop ? Math.floor(n / size) : merge ? Math.max(Math.floor(n / size), Math.min(n, 1)) : Math.ceil(n / size);
    const get = this.getter;
    if (get && n !== null && count !== null) {
      return Dataset.indexed(count, (i, epoch) => {
        const end = merge && i === count - 1 ? n : Math.min(n, (i + 1) * size);
        const indices = Array.from({ length: end - i * size }, (_, k) => i * size + k);
        return Promise.all(indices.map((j) => get(j, epoch)));
      });
    }
    const upstream = (epoch: number) => this.epoch(epoch);
    return Dataset.streamed(async function* (epoch) {
      let group: T[] = [];
      // With merge, a full group waits until the next one fills: only then is it not the last.
      let held: T[] | undefined;
      for await (const value of upstream(epoch)) {
        group.push(value);
        if (group.length === size) {
          if (!merge) yield group;
          else {
            if (held) yield held;
            held = group;
          }
          group = [];
        }
      }
      if (held) yield [...held, ...group];
      else if (group.length > 0 && !drop) yield group;
    }, count);
  }

  /**
   * Batches of packed samples as tensors ({@link SkeletonBatch}: `x` `[N, M, T, V, C]`, `y` int32
   * `[N]`, `mask` `[N, M]`). The consumer owns each batch and calls its `dispose()`.
   */
  batch(this: Dataset<SkeletonSample>, size: number, options: BatchOptions = {}): Dataset<SkeletonBatch> {
    return this.chunk(size, options).map((samples) => collateSkeletons(samples));
  }

  /**
   * Pulls up to `count` elements ahead of the consumer so that loading overlaps with use; with
   * random access they are requested concurrently. Prefetched elements never consumed are disposed
   * when they have a `dispose()` method.
   */
  prefetch(count: number): Dataset<T> {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`Dataset.prefetch: count must be a positive integer, got ${count}`);
    const get = this.getter;
    const size = this.size;
    if (get && size !== null) {
      return Dataset.streamed(async function* (epoch) {
        const pending: Promise<T>[] = [];
        let next = 0;
        const fill = () => {
          while (pending.length < count && next < size) {
            const p = get(next++, epoch);
            p.catch(ignore);
            pending.push(p);
          }
        };
        try {
          fill();
          while (pending.length > 0) {
            const value = await pending.shift()!;
            fill();
            yield value;
          }
        } finally {
          for (const p of pending.splice(0)) p.then(disposeElement, ignore);
        }
      }, size);
    }
    const upstream = (epoch: number) => this.epoch(epoch);
    return Dataset.streamed(async function* (epoch) {
      const it = upstream(epoch)[Symbol.asyncIterator]();
      const pending: Promise<IteratorResult<T>>[] = [];
      let done = false;
      const fill = () => {
        while (!done && pending.length < count) {
          const p = it.next();
          p.catch(ignore);
          pending.push(p);
          // Stop asking once one result says done; the pending ones settle as done too.
          p.then((r) => {
            if (r.done) done = true;
          }, () => {
            done = true;
          });
        }
      };
      let finished = false;
      try {
        fill();
        while (pending.length > 0) {
          const result = await pending.shift()!;
          if (result.done) {
            finished = true;
            break;
          }
          fill();
          yield result.value;
        }
        finished = true;
      } finally {
        for (const p of pending.splice(0)) p.then((r) => (r.done ? undefined : disposeElement(r.value)), ignore);
        if (!finished) await it.return?.();
      }
    }, size);
  }

  /** The first `count` elements of each epoch. */
  take(count: number): Dataset<T> {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`Dataset.take: count must be a non-negative integer, got ${count}`);
    const get = this.getter;
    const size = this.size === null ? null : Math.min(count, this.size);
    if (get && size !== null) return Dataset.indexed(size, get);
    const upstream = (epoch: number) => this.epoch(epoch);
    return Dataset.streamed(async function* (epoch) {
      if (count === 0) return;
      let taken = 0;
      for await (const value of upstream(epoch)) {
        yield value;
        if (++taken >= count) return;
      }
    }, size);
  }

  /** All but the first `count` elements of each epoch. */
  skip(count: number): Dataset<T> {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`Dataset.skip: count must be a non-negative integer, got ${count}`);
    const get = this.getter;
    const size = this.size === null ? null : Math.max(0, this.size - count);
    if (get && size !== null) return Dataset.indexed(size, (i, epoch) => get(i + count, epoch));
    const upstream = (epoch: number) => this.epoch(epoch);
    return Dataset.streamed(async function* (epoch) {
      let seen = 0;
      for await (const value of upstream(epoch)) if (seen++ >= count) yield value;
    }, size);
  }

  /** Collects one epoch (default: the next epoch of this object) into an array. */
  async toArray(epoch?: number): Promise<T[]> {
    const out: T[] = [];
    for await (const value of epoch === undefined ? this : this.epoch(epoch)) out.push(value);
    return out;
  }
}

async function* toAsync<T>(it: Iterator<T>): AsyncGenerator<T> {
  for (let r = it.next(); !r.done; r = it.next()) yield r.value;
}
