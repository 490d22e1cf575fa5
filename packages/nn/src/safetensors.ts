import * as tf from '@tensorflow/tfjs-core';

/**
 * safetensors (https://github.com/huggingface/safetensors): 8-byte little-endian header length N,
 * N bytes of JSON header `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__ }`,
 * then the raw little-endian data. Works on bytes only, so it runs in Node and the browser.
 */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** One tensor as stored: values already widened to what tfjs holds (float32 or int32). */
export interface RawTensor {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
  /** The dtype in the file, e.g. 'I64' for PyTorch's num_batches_tracked. */
  fileDtype: SafetensorsDtype;
}

export interface SafetensorsFile {
  tensors: Record<string, RawTensor>;
  metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** Parses a safetensors buffer. `source` names it in errors (a file name). */
export function readSafetensors(bytes: ArrayBuffer | Uint8Array, source = 'safetensors'): SafetensorsFile {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (u8.byteLength < 8) throw new Error(`${source}: too short for a safetensors file (${u8.byteLength} bytes)`);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > u8.byteLength - 8) {
    throw new Error(`${source}: header length ${headerLength} exceeds the file (${u8.byteLength} bytes)`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${source}: header is not valid JSON (${(error as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const tensors: Record<string, RawTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = entry as { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in BYTES)) throw new Error(`${source}: tensor '${name}' has unsupported dtype '${dtype}'`);
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = offsets;
    if (end - begin !== count * BYTES[dtype] || dataStart + end > u8.byteLength) {
      throw new Error(`${source}: tensor '${name}' offsets [${begin}, ${end}] do not fit shape [${shape}] of ${dtype} or the file`);
    }
    tensors[name] = decode(name, source, dtype, shape, new DataView(u8.buffer, u8.byteOffset + dataStart + begin, end - begin), count);
  }
  return { tensors, metadata };
}

function decode(name: string, source: string, dtype: SafetensorsDtype, shape: number[], view: DataView, count: number): RawTensor {
  const asFloat = (read: (i: number) => number): RawTensor => {
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = read(i);
    return { dtype: 'float32', shape, data, fileDtype: dtype };
  };
  const asInt = (read: (i: number) => number): RawTensor => {
    const data = new Int32Array(count);
    for (let i = 0; i < count; i++) data[i] = read(i);
    return { dtype: 'int32', shape, data, fileDtype: dtype };
  };
  switch (dtype) {
    case 'F32': return asFloat((i) => view.getFloat32(i * 4, true));
    case 'F64': return asFloat((i) => view.getFloat64(i * 8, true));
    case 'F16': return asFloat((i) => halfToFloat(view.getUint16(i * 2, true)));
    case 'BF16': return asFloat((i) => bfloat16ToFloat(view.getUint16(i * 2, true)));
    case 'I32': return asInt((i) => view.getInt32(i * 4, true));
    case 'I16': return asInt((i) => view.getInt16(i * 2, true));
    case 'I8': return asInt((i) => view.getInt8(i));
    case 'U8':
    case 'BOOL': return asInt((i) => view.getUint8(i));
    case 'I64': return asInt((i) => {
      // tfjs has no int64; counters such as num_batches_tracked fit easily in int32.
      const v = view.getBigInt64(i * 8, true);
      if (v > 2147483647n || v < -2147483648n) throw new RangeError(`${source}: tensor '${name}' holds ${v}, outside int32`);
      return Number(v);
    });
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bfloat16ToFloat(b: number): number {
  const f = new Float32Array(1);
  new Uint32Array(f.buffer)[0] = b << 16;
  return f[0] ?? 0;
}

export interface WriteEntry {
  shape: readonly number[];
  data: Float32Array | Int32Array;
  /** Stored dtype. Default: F32 for Float32Array, I32 for Int32Array. `I64` widens int32 values. */
  fileDtype?: 'F32' | 'I32' | 'I64';
}

/** Encodes tensors (already read into typed arrays) and string metadata as safetensors bytes. */
export function writeSafetensors(entries: Readonly<Record<string, WriteEntry>>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  const layout: [WriteEntry, 'F32' | 'I32' | 'I64', number][] = [];
  for (const [name, entry] of Object.entries(entries)) {
    const dtype = entry.fileDtype ?? (entry.data instanceof Float32Array ? 'F32' : 'I32');
    const size = entry.data.length * BYTES[dtype];
    header[name] = { dtype, shape: [...entry.shape], data_offsets: [offset, offset + size] };
    layout.push([entry, dtype, offset]);
    offset += size;
  }
  let json = JSON.stringify(header);
  // The format asks for the data to start 8-byte aligned; pad the header with spaces.
  json += ' '.repeat((8 - ((json.length + 8) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const base = 8 + headerBytes.length;
  for (const [entry, dtype, at] of layout) {
    const { data } = entry;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] ?? 0;
      if (dtype === 'F32') view.setFloat32(base + at + i * 4, v, true);
      else if (dtype === 'I32') view.setInt32(base + at + i * 4, v, true);
      else view.setBigInt64(base + at + i * 8, BigInt(Math.trunc(v)), true);
    }
  }
  return out;
}

/** The tensors of a parsed file as tfjs tensors (the caller owns and disposes them). */
export function safetensorsToTensors(file: SafetensorsFile, prefix = ''): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, raw] of Object.entries(file.tensors)) {
    if (!name.startsWith(prefix)) continue;
    out[name.slice(prefix.length)] = tf.tensor(raw.data, raw.shape, raw.dtype);
  }
  return out;
}

const COUNTER = /(^|\.)num_batches_tracked(_slot\d+)?$/;

/**
 * Reads tensors (asynchronously: WebGPU cannot read synchronously) and encodes them.
 * int32 counters (`num_batches_tracked`, and the per-slot `num_batches_tracked_slot{k}`) are stored as
 * I64, PyTorch's dtype for them (a `register_buffer(..., torch.tensor(0))` is int64).
 */
export async function tensorsToSafetensors(
  tensors: Readonly<Record<string, tf.Tensor>>,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const entries: Record<string, WriteEntry> = {};
  for (const [name, t] of Object.entries(tensors)) {
    const data = t.dtype === 'int32' || t.dtype === 'bool' ? Int32Array.from(await t.data()) : Float32Array.from(await t.data());
    entries[name] = { shape: t.shape, data, fileDtype: data instanceof Int32Array && COUNTER.test(name) ? 'I64' : undefined };
  }
  return writeSafetensors(entries, metadata);
}

/** Index of the first value that is NaN or infinite (or negative, with `nonNegative`), or -1. */
export function invalidValueIndex(values: ArrayLike<number>, nonNegative = false): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || (nonNegative && v < 0)) return i;
  }
  return -1;
}

/**
 * Checks the numbers of a parsed state dict where they enter: every float tensor finite, every
 * BatchNorm variance (`running_var`, `running_var_slot<k>`) non-negative. A NaN weight would
 * otherwise evaluate to a plausible-looking accuracy and a negative variance to NaN outputs.
 * Throws an Error naming `source`, each bad tensor, and its first bad value and index.
 */
export function checkStateValues(file: SafetensorsFile, source = 'safetensors'): void {
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(file.tensors)) {
    if (raw.dtype !== 'float32') continue;
    const bad = invalidValueIndex(raw.data, /(^|\.)running_var(_slot\d+)?$/.test(name));
    if (bad < 0) continue;
    const value = raw.data[bad]!;
    problems.push(`${name}[${bad}] = ${value}${Number.isFinite(value) ? ' (a variance must be >= 0)' : ''}`);
  }
  if (problems.length > 0) {
    throw new Error(`${source}: ${problems.length} tensor${problems.length === 1 ? '' : 's'} with invalid values: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
  }
}
