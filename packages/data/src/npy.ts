import type { SkeletonSample } from './skeleton-sample.js';

/**
 * NumPy `.npy` (format version 1.0) headers and the conversion between our `[M, T, V, C]` layout
 * and ST-GCN's PyTorch layout `(C, T, V, M)` per sample, i.e. `(N, 3, T, 25, 2)` for a set.
 * The only place where that layout conversion happens (DESIGN.md: conversions at the edges, named).
 */

/** Data types written here: little-endian float32 and int32. */
export type NpyDtype = '<f4' | '<i4';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * The `.npy` v1.0 header for a C-order array: magic, version, header length, the dict, padded with
 * spaces and a newline so that the data starts on a multiple of 64 bytes.
 *
 * @param minLength pad the header to at least this many bytes (a multiple of 64), so a header
 *   written before the first dimension is known can later be rewritten in place at the same length.
 */
export function npyHeader(shape: readonly number[], dtype: NpyDtype = '<f4', minLength = 0): Uint8Array {
  for (const d of shape) if (!Number.isInteger(d) || d < 0) throw new RangeError(`npyHeader: shape must hold non-negative integers, got (${shape.join(', ')})`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let total = 10 + dict.length + 1;
  total = Math.max(Math.ceil(total / 64) * 64, Math.ceil(minLength / 64) * 64);
  const headerLength = total - 10;
  if (headerLength > 65535) throw new RangeError('npyHeader: header longer than format 1.0 allows');
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = headerLength & 0xff;
  out[9] = headerLength >> 8;
  const text = dict.padEnd(headerLength - 1, ' ') + '\n';
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/** What an `.npy` header says. */
export interface NpyHeaderInfo {
  readonly dtype: string;
  readonly fortranOrder: boolean;
  readonly shape: number[];
  /** Byte offset of the data. */
  readonly dataOffset: number;
}

/** Bytes before an `.npy` header's dict: magic, version, and the dict's length (2 bytes in version 1.0, 4 after). */
const prefixLength = (bytes: Uint8Array) => (bytes[6] === 1 ? 10 : 12);

/**
 * Where an `.npy` file's data starts, from its first 12 bytes (or 10 for version 1.0): what a reader
 * of a file or stream must have read before {@link parseNpyHeader} can parse the header.
 */
export function npyDataOffset(lead: Uint8Array): number {
  const start = prefixLength(lead);
  let headerLength = 0;
  for (let i = start - 1; i >= 8; i--) headerLength = headerLength * 256 + lead[i]!;
  return start + headerLength;
}

/** Reads an `.npy` header (versions 1.0-3.0). @throws Error naming `source` if it is not one. */
export function parseNpyHeader(bytes: Uint8Array, source = '<npy>'): NpyHeaderInfo {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) throw new Error(`${source}: expected the .npy magic \\x93NUMPY at the start`);
  const start = prefixLength(bytes);
  const dataOffset = npyDataOffset(bytes);
  const dict = new TextDecoder('latin1').decode(bytes.subarray(start, dataOffset));
  const descr = /'descr':\s*'([^']+)'/.exec(dict)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(dict)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) throw new Error(`${source}: expected an .npy header dict with descr, fortran_order and shape, got ${dict.trim()}`);
  return {
    dtype: descr,
    fortranOrder: fortran === 'True',
    shape: shape.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number),
    dataOffset,
  };
}

/**
 * One sample from `[M, T, V, C]` to ST-GCN's `(C, T, V, M)`:
 * `out[((c * T + t) * V + v) * M + m] = data[((m * T + t) * V + v) * C + c]`.
 */
export function toStgcnLayout(sample: SkeletonSample, out = new Float32Array(sample.data.length)): Float32Array {
  const { persons: M, frames: T, joints: V, channels: C, data } = sample;
  for (let m = 0; m < M; m++)
    for (let t = 0; t < T; t++)
      for (let v = 0; v < V; v++)
        for (let c = 0; c < C; c++) out[((c * T + t) * V + v) * M + m] = data[((m * T + t) * V + v) * C + c]!;
  return out;
}

/** ST-GCN's `(C, T, V, M)` back to `[M, T, V, C]`; the inverse of {@link toStgcnLayout}. */
export function fromStgcnLayout(data: Float32Array, shape: readonly [number, number, number, number]): Float32Array {
  const [C, T, V, M] = shape;
  if (data.length !== C * T * V * M) throw new RangeError(`fromStgcnLayout: ${data.length} values do not fill (${shape.join(', ')})`);
  const out = new Float32Array(data.length);
  for (let c = 0; c < C; c++)
    for (let t = 0; t < T; t++)
      for (let v = 0; v < V; v++)
        for (let m = 0; m < M; m++) out[((m * T + t) * V + v) * C + c] = data[((c * T + t) * V + v) * M + m]!;
  return out;
}
