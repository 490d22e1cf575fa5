/**
 * The binary cache of packed samples, format version 1 (little-endian):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 8 | magic `SKNCACHE` |
 * | 8 | 4 | u32 format version (1) |
 * | 12 | 4 | u32 sample count N |
 * | 16 | 16 | u32 M, T, V, C |
 * | 32 | 8 | u64 data offset (64) |
 * | 40 | 8 | u64 index offset |
 * | 48 | 8 | u64 index length |
 * | 56 | 8 | reserved, zero |
 * | 64 | N*M*T*V*C*4 | float32 samples, `[N, M, T, V, C]` |
 * | index offset | index length | UTF-8 JSON {@link SampleCacheIndex} |
 *
 * The header is written last, so a file cut short has no valid header (and the Node writer only
 * renames a complete temporary file into place).
 */

/** Current format version; a file of another version is refused with a message to rebuild it. */
export const SAMPLE_CACHE_VERSION = 1;
/** Bytes before the sample data. */
export const SAMPLE_CACHE_HEADER_BYTES = 64;
const MAGIC = 'SKNCACHE';

/** The fixed-size header. */
export interface SampleCacheHeader {
  readonly version: number;
  readonly count: number;
  /** `[M, T, V, C]` of every sample. */
  readonly shape: readonly [number, number, number, number];
  readonly dataOffset: number;
  readonly indexOffset: number;
  readonly indexLength: number;
}

/** The JSON index after the data: per-sample metadata and free-form `meta` (how the set was made). */
export interface SampleCacheIndex {
  readonly names: string[];
  readonly labels: number[];
  readonly validFrames: number[];
  /** Person masks, `[N * M]` 0/1. */
  readonly personMasks: number[];
  readonly meta: Record<string, unknown>;
}

/** Encodes the 64-byte header. */
export function encodeSampleCacheHeader(header: Omit<SampleCacheHeader, 'version' | 'dataOffset'>): Uint8Array {
  const bytes = new Uint8Array(SAMPLE_CACHE_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, SAMPLE_CACHE_VERSION, true);
  view.setUint32(12, header.count, true);
  header.shape.forEach((d, i) => view.setUint32(16 + 4 * i, d, true));
  view.setBigUint64(32, BigInt(SAMPLE_CACHE_HEADER_BYTES), true);
  view.setBigUint64(40, BigInt(header.indexOffset), true);
  view.setBigUint64(48, BigInt(header.indexLength), true);
  return bytes;
}

/**
 * Decodes and checks the header.
 *
 * @param fileSize when given, the offsets are checked against it (a truncated file is reported).
 * @throws Error naming `source` and what is wrong (not a cache, other version, truncated).
 */
/** True when `bytes` start with the sample cache's magic (a cheap look before opening a file as one). */
export function hasSampleCacheMagic(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

export function decodeSampleCacheHeader(bytes: Uint8Array, source: string, fileSize?: number): SampleCacheHeader {
  if (bytes.length < SAMPLE_CACHE_HEADER_BYTES) throw new Error(`${source}: expected a ${SAMPLE_CACHE_HEADER_BYTES}-byte sample-cache header, the file has ${bytes.length} bytes`);
  if (!hasSampleCacheMagic(bytes)) throw new Error(`${source}: not a skelnorm sample cache (expected magic ${MAGIC})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== SAMPLE_CACHE_VERSION) {
    throw new Error(`${source}: sample-cache format version ${version}, this build reads version ${SAMPLE_CACHE_VERSION}; delete the file and pack again`);
  }
  const count = view.getUint32(12, true);
  const shape = [0, 1, 2, 3].map((i) => view.getUint32(16 + 4 * i, true)) as [number, number, number, number];
  const dataOffset = Number(view.getBigUint64(32, true));
  const indexOffset = Number(view.getBigUint64(40, true));
  const indexLength = Number(view.getBigUint64(48, true));
  const expectedIndex = dataOffset + count * shape.reduce((a, b) => a * b, 1) * 4;
  if (indexOffset !== expectedIndex) throw new Error(`${source}: corrupt sample cache (index at ${indexOffset}, expected ${expectedIndex})`);
  if (fileSize !== undefined && indexOffset + indexLength > fileSize) {
    throw new Error(`${source}: truncated sample cache (${fileSize} bytes, expected ${indexOffset + indexLength}); delete it and pack again`);
  }
  return { version, count, shape, dataOffset, indexOffset, indexLength };
}

/** Parses and checks the JSON index against the header. */
export function decodeSampleCacheIndex(bytes: Uint8Array, header: SampleCacheHeader, source: string): SampleCacheIndex {
  let index: SampleCacheIndex;
  try {
    index = JSON.parse(new TextDecoder().decode(bytes)) as SampleCacheIndex;
  } catch (error) {
    throw new Error(`${source}: corrupt sample-cache index (${(error as Error).message})`);
  }
  const n = header.count;
  if (index.names?.length !== n || index.labels?.length !== n || index.validFrames?.length !== n || index.personMasks?.length !== n * header.shape[0]) {
    throw new Error(`${source}: corrupt sample-cache index (expected ${n} names, labels, frame counts and person masks)`);
  }
  return index;
}
