import { npyDataOffset, parseNpyHeader } from '../npy.js';

/**
 * An `.npy` array decoded from bytes (a file read whole, or an `.npz` member): the numeric dtypes
 * that skeleton data and labels come in, little-endian, C order. Anything else is refused with the
 * dtype named, never reinterpreted.
 */
export interface NpyArray {
  readonly shape: number[];
  /** The header's `descr`, e.g. `<f4`. */
  readonly dtype: string;
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

type Make = (buffer: ArrayBufferLike, offset: number, length: number) => NpyArray['data'];
const DTYPES: Record<string, { size: number; make: Make }> = {
  '<f4': { size: 4, make: (b, o, n) => new Float32Array(b, o, n) },
  '<f8': { size: 8, make: (b, o, n) => new Float64Array(b, o, n) },
  '<i4': { size: 4, make: (b, o, n) => new Int32Array(b, o, n) },
  '<i8': { size: 8, make: (b, o, n) => new BigInt64Array(b, o, n) },
  '|u1': { size: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
  '|b1': { size: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
};

/**
 * Decodes an `.npy` held in memory; the result may share `bytes`' buffer. `source` names it in errors (e.g. `NTU60_CS.npz: x_train`).
 * @throws Error naming `source`: not an .npy, Fortran order, an unsupported dtype, a size that does
 *   not match the shape (truncated or with trailing bytes).
 */
export function decodeNpy(bytes: Uint8Array, source: string): NpyArray {
  const info = parseNpyHeader(bytes, source);
  const kind = kindOf(info, source);
  const count = info.shape.reduce((a, b) => a * b, 1);
  const expected = count * kind.size;
  const found = bytes.length - info.dataOffset;
  if (found !== expected) {
    throw new Error(`${source}: ${found < expected ? 'truncated: ' : ''}${found} data bytes, expected ${expected} for ${info.dtype} (${info.shape.join(', ')})`);
  }
  // A view of `bytes` where the data is aligned for the typed array (no second copy of a large
  // array), else an aligned copy.
  const offset = bytes.byteOffset + info.dataOffset;
  const data = offset % kind.size === 0 ? kind.make(bytes.buffer, offset, count) : kind.make(bytes.slice(info.dataOffset).buffer, 0, count);
  return { shape: info.shape, dtype: info.dtype, data };
}

/** What an `.npy` header declares, as {@link forEachNpyRow} reports it before the first row. */
export interface NpyArrayHeader {
  readonly shape: number[];
  readonly dtype: string;
}

/**
 * Reads an `.npy` from a stream of byte chunks (e.g. a zip member's), in bounded memory whatever
 * its size: the header first (`check` may refuse it by throwing), then each row along the first
 * axis, given to `row` as a typed array that is reused for the next row (copy what you keep).
 * @throws Error naming `source`: not an .npy, Fortran order, an unsupported dtype, fewer or more
 *   bytes than the shape needs.
 */
export async function forEachNpyRow(
  chunks: AsyncIterable<Uint8Array>,
  source: string,
  check: (header: NpyArrayHeader) => void,
  row: (values: NpyArray['data'], index: number) => void,
): Promise<void> {
  let head = new Uint8Array(0);
  let rowBytes: Uint8Array | undefined;
  let values: NpyArray['data'] | undefined;
  let rows = 0;
  let filled = 0;
  let total = 0;
  let expectedRows = 0;
  let extra = 0;
  const consume = (data: Uint8Array): void => {
    let offset = 0;
    while (offset < data.length) {
      if (rows === expectedRows) {
        extra += data.length - offset;
        return;
      }
      const take = Math.min(rowBytes!.length - filled, data.length - offset);
      rowBytes!.set(data.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === rowBytes!.length) {
        row(values!, rows++);
        filled = 0;
      }
    }
  };
  for await (const chunk of chunks) {
    if (rowBytes) {
      consume(chunk);
      continue;
    }
    // Gather the header: magic, version, its length, then the dict.
    const joined = new Uint8Array(head.length + chunk.length);
    joined.set(head);
    joined.set(chunk, head.length);
    head = joined;
    if (head.length < 12) continue;
    const headerEnd = npyDataOffset(head);
    if (head[0] === 0x93 && head.length < headerEnd) continue;
    const info = parseNpyHeader(head.subarray(0, headerEnd), source);
    const kind = kindOf(info, source);
    check({ shape: info.shape, dtype: info.dtype });
    expectedRows = info.shape[0] ?? 1;
    const perRow = info.shape.slice(1).reduce((a, b) => a * b, 1);
    rowBytes = new Uint8Array(perRow * kind.size);
    values = kind.make(rowBytes.buffer, 0, perRow);
    total = expectedRows * rowBytes.length;
    // Rows of no bytes (a zero in the shape) are all there at once.
    if (rowBytes.length === 0) while (rows < expectedRows) row(values, rows++);
    consume(head.subarray(headerEnd));
    head = new Uint8Array(0);
  }
  if (!rowBytes) throw new Error(`${source}: ${head.length} bytes; expected an .npy header (truncated or not an .npy)`);
  const found = rows * rowBytes.length + filled + extra;
  if (rows < expectedRows || extra > 0) {
    throw new Error(`${source}: ${rows < expectedRows ? 'truncated: ' : ''}${found} data bytes, expected ${total} for the shape its header declares`);
  }
}

/** The element kind of a header it can read: C order, a supported dtype, a shape of sizes (read whole or by rows alike). */
function kindOf(info: ReturnType<typeof parseNpyHeader>, source: string): { size: number; make: Make } {
  if (info.fortranOrder) throw new Error(`${source}: a Fortran-order array; expected C order (save np.ascontiguousarray(a))`);
  const kind = DTYPES[info.dtype];
  if (!kind) throw new Error(`${source}: dtype ${info.dtype} is not supported (expected one of ${Object.keys(DTYPES).join(', ')})`);
  if (info.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new Error(`${source}: shape (${info.shape.join(', ')}) is not a list of sizes`);
  return kind;
}
