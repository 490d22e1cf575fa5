import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { Dataset } from '../dataset.js';
import {
  SAMPLE_CACHE_HEADER_BYTES,
  decodeSampleCacheHeader,
  hasSampleCacheMagic,
  decodeSampleCacheIndex,
  encodeSampleCacheHeader,
  type SampleCacheIndex,
} from '../sample-cache-format.js';
import type { SkeletonSample } from '../skeleton-sample.js';
import { writeAll, writeFileAtomic } from './atomic-file.js';

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
function requireLittleEndian(): void {
  if (!littleEndian) throw new Error('sample cache: this host is big-endian; the cache format is little-endian');
}

/** Options of {@link writeSampleCache}. */
export interface WriteSampleCacheOptions {
  /** Free-form description stored in the index (e.g. how the samples were packed). */
  readonly meta?: Record<string, unknown>;
}

/**
 * Writes packed samples (all of one `[M, T, V, C]`) to a binary cache file (format in
 * `sample-cache-format.ts`), streaming them, atomically: a temporary file renamed into place.
 *
 * @returns the number of samples and the file size.
 */
export async function writeSampleCache(
  path: string,
  samples: AsyncIterable<SkeletonSample> | Iterable<SkeletonSample>,
  options: WriteSampleCacheOptions = {},
): Promise<{ count: number; bytes: number }> {
  requireLittleEndian();
  let result = { count: 0, bytes: 0 };
  await writeFileAtomic(path, async (file) => {
    await writeAll(file, new Uint8Array(SAMPLE_CACHE_HEADER_BYTES), 0);
    let shape: [number, number, number, number] | null = null;
    let first = '';
    const index: SampleCacheIndex = { names: [], labels: [], validFrames: [], personMasks: [], meta: options.meta ?? {} };
    let offset = SAMPLE_CACHE_HEADER_BYTES;
    for await (const s of samples) {
      const sShape: [number, number, number, number] = [s.persons, s.frames, s.joints, s.channels];
      if (!shape) {
        shape = sShape;
        first = s.name;
      } else if (sShape.some((d, i) => d !== shape![i])) {
        throw new RangeError(`writeSampleCache: sample ${s.name} has shape [${sShape}], expected [${shape}] like ${first}`);
      }
      await writeAll(file, new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength), offset);
      offset += s.data.byteLength;
      index.names.push(s.name);
      index.labels.push(s.label);
      index.validFrames.push(s.validFrames);
      index.personMasks.push(...s.personMask);
    }
    const indexBytes = new TextEncoder().encode(JSON.stringify(index));
    await writeAll(file, indexBytes, offset);
    const header = encodeSampleCacheHeader({ count: index.names.length, shape: shape ?? [0, 0, 0, 0], indexOffset: offset, indexLength: indexBytes.length });
    await writeAll(file, header, 0);
    result = { count: index.names.length, bytes: offset + indexBytes.length };
  });
  return result;
}

/** An opened sample cache. */
export interface SampleCache {
  readonly path: string;
  /** N. */
  readonly size: number;
  /** `[M, T, V, C]`. */
  readonly shape: readonly [number, number, number, number];
  readonly names: readonly string[];
  readonly labels: readonly number[];
  readonly meta: Record<string, unknown>;
  /** Sample `index`. In memory it is a view of the loaded file: read it, do not write to it. */
  get(index: number): Promise<SkeletonSample>;
  /** A dataset over the cache (random access: shuffling permutes indices). */
  dataset(): Dataset<SkeletonSample>;
  /** Releases the file handle (file mode) or the buffer. */
  close(): Promise<void>;
}

/** Options of {@link openSampleCache}. */
export interface OpenSampleCacheOptions {
  /**
   * Load the whole file into memory (fastest epochs) or read each sample from disk when asked.
   * Default: in memory when the file is under 1 GiB.
   */
  readonly inMemory?: boolean;
}

/** True when `path` is a regular file that starts with the sample cache's magic (nothing else is read). */
export async function isSampleCacheFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return false;
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    return hasSampleCacheMagic(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Opens a cache written by {@link writeSampleCache}; checks magic, version and size (errors name the
 * file and say to rebuild it).
 */
export async function openSampleCache(path: string, options: OpenSampleCacheOptions = {}): Promise<SampleCache> {
  requireLittleEndian();
  const { size: fileSize } = await stat(path);
  const inMemory = options.inMemory ?? fileSize < 2 ** 30;
  let bytes: Uint8Array | null = null;
  let handle: FileHandle | null = null;
  let headerBytes: Uint8Array;
  if (inMemory) {
    bytes = new Uint8Array(await readFile(path));
    headerBytes = bytes.subarray(0, SAMPLE_CACHE_HEADER_BYTES);
  } else {
    handle = await open(path, 'r');
    headerBytes = new Uint8Array(SAMPLE_CACHE_HEADER_BYTES);
    await handle.read(headerBytes, 0, SAMPLE_CACHE_HEADER_BYTES, 0);
  }
  const header = decodeSampleCacheHeader(headerBytes, path, fileSize);
  let indexBytes: Uint8Array;
  if (bytes) indexBytes = bytes.subarray(header.indexOffset, header.indexOffset + header.indexLength);
  else {
    indexBytes = new Uint8Array(header.indexLength);
    await handle!.read(indexBytes, 0, header.indexLength, header.indexOffset);
  }
  const index = decodeSampleCacheIndex(indexBytes, header, path);
  const [M, T, V, C] = header.shape;
  const sampleLength = M * T * V * C;
  // A Float32Array view needs a 4-byte-aligned offset: the data starts at 64 in a fresh buffer.
  const all = bytes ? new Float32Array(bytes.buffer, bytes.byteOffset + header.dataOffset, header.count * sampleLength) : null;
  const build = (i: number, data: Float32Array): SkeletonSample => ({
    name: index.names[i]!,
    label: index.labels[i]!,
    data,
    persons: M,
    frames: T,
    joints: V,
    channels: C,
    validFrames: index.validFrames[i]!,
    personMask: Uint8Array.from(index.personMasks.slice(i * M, (i + 1) * M)),
  });
  const get = async (i: number): Promise<SkeletonSample> => {
    if (!Number.isInteger(i) || i < 0 || i >= header.count) throw new RangeError(`${path}: sample index must be 0-${header.count - 1}, got ${i}`);
    if (all) return build(i, all.subarray(i * sampleLength, (i + 1) * sampleLength));
    const data = new Float32Array(sampleLength);
    await handle!.read(new Uint8Array(data.buffer), 0, sampleLength * 4, header.dataOffset + i * sampleLength * 4);
    return build(i, data);
  };
  return {
    path,
    size: header.count,
    shape: header.shape,
    names: index.names,
    labels: index.labels,
    meta: index.meta,
    get,
    dataset: () => Dataset.fromIndexed(header.count, get),
    close: async () => {
      bytes = null;
      await handle?.close();
    },
  };
}
