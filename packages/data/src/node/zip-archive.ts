import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInflateRaw, inflateRawSync } from 'node:zlib';

/**
 * A small reader of zip archives, enough for NumPy's `.npz` (`np.savez` stores its members,
 * `np.savez_compressed` deflates them; both write zip64 local headers). The central directory is
 * the one list of members; every member's local header is checked against it, and its bytes
 * against the recorded size and CRC-32, so a truncated or damaged archive is named as such instead
 * of yielding wrong numbers.
 */

/** One member as the central directory lists it. */
export interface ZipMember {
  readonly name: string;
  /** 0 = stored, 8 = deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  /** Offset of the member's local header. */
  readonly headerOffset: number;
}

/** An open archive: its members, read one at a time. Close it when done. */
export interface ZipArchive {
  readonly path: string;
  readonly members: readonly ZipMember[];
  /** The member's uncompressed bytes, checked against its size and CRC-32 (members up to 4 GiB). */
  read(member: ZipMember): Promise<Uint8Array>;
  /**
   * The member's uncompressed bytes in chunks, in bounded memory whatever its size (NTU-60's
   * `x_train` is 7 GB). Its size and CRC-32 are checked after the last chunk: a consumer commits
   * nothing before the iteration has ended.
   */
  chunks(member: ZipMember): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const ZIP64_EXTRA = 0x0001;
/** A member is read into memory whole: one that does not fit a Node buffer is refused, named. */
const MAX_MEMBER = 2 ** 32 - 1;

/**
 * Opens a zip archive and reads its central directory.
 * @throws Error naming `path` and what was expected (not a zip, truncated, unknown method).
 */
export async function openZipArchive(path: string): Promise<ZipArchive> {
  const file = await open(path, 'r');
  try {
    const members = await readCentralDirectory(file, path);
    return {
      path,
      members,
      read: (member) => readMember(file, path, member),
      chunks: (member) => memberChunks(file, path, member),
      close: () => file.close(),
    };
  } catch (error) {
    await file.close();
    throw error;
  }
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  const { bytesRead } = await file.read(bytes, 0, length, position);
  return bytes.subarray(0, bytesRead);
}

async function readCentralDirectory(file: FileHandle, path: string): Promise<ZipMember[]> {
  const fileSize = (await file.stat()).size;
  // The end record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  const tailStart = Math.max(0, fileSize - 22 - 65535);
  const tail = await readAt(file, tailStart, fileSize - tailStart);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let end = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === END_OF_CENTRAL_DIRECTORY && i + 22 + view.getUint16(i + 20, true) === tail.length) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${path}: no zip end-of-central-directory record in its last bytes; expected a .npz (a zip archive as np.savez writes it): the file is truncated or not an .npz`);
  let count = view.getUint16(end + 10, true);
  let directorySize = view.getUint32(end + 12, true);
  let directoryOffset = view.getUint32(end + 16, true);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    // zip64: the real numbers are in the zip64 end record, found through its locator.
    const locator = end - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_END_LOCATOR) throw new Error(`${path}: a zip64 archive without its zip64 end locator (damaged or truncated)`);
    const zip64End = Number(view.getBigUint64(locator + 8, true));
    const record = await readAt(file, zip64End, 56);
    const r = new DataView(record.buffer, record.byteOffset, record.byteLength);
    if (record.length < 56 || r.getUint32(0, true) !== ZIP64_END) throw new Error(`${path}: the zip64 end record is not at byte ${zip64End} (damaged or truncated)`);
    count = Number(r.getBigUint64(32, true));
    directorySize = Number(r.getBigUint64(40, true));
    directoryOffset = Number(r.getBigUint64(48, true));
  }
  if (directoryOffset + directorySize > fileSize) {
    throw new Error(`${path}: the zip central directory (bytes ${directoryOffset}-${directoryOffset + directorySize}) lies beyond the file's ${fileSize} bytes (truncated?)`);
  }
  const directory = await readAt(file, directoryOffset, directorySize);
  const d = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  const members: ZipMember[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > directory.length || d.getUint32(p, true) !== CENTRAL_HEADER) throw new Error(`${path}: zip central directory entry ${i} of ${count} at byte ${directoryOffset + p} is damaged (no signature PK\\1\\2)`);
    const flags = d.getUint16(p + 8, true);
    const method = d.getUint16(p + 10, true);
    const crc32 = d.getUint32(p + 16, true);
    let compressedSize = d.getUint32(p + 20, true);
    let size = d.getUint32(p + 24, true);
    const nameLength = d.getUint16(p + 28, true);
    const extraLength = d.getUint16(p + 30, true);
    const commentLength = d.getUint16(p + 32, true);
    let headerOffset = d.getUint32(p + 42, true);
    if (p + 46 + nameLength + extraLength + commentLength > directory.length) throw new Error(`${path}: zip central directory entry ${i} runs past the directory (damaged)`);
    const name = new TextDecoder().decode(directory.subarray(p + 46, p + 46 + nameLength));
    // zip64 extra field: the 8-byte values of exactly the fields that hold 0xffffffff, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = d.getUint16(e, true);
      const length = d.getUint16(e + 2, true);
      if (id === ZIP64_EXTRA) {
        let q = e + 4;
        const next = (): number => {
          if (q + 8 > e + 4 + length) throw new Error(`${path}: member ${name}: zip64 extra field too short`);
          const value = Number(d.getBigUint64(q, true));
          q += 8;
          return value;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (headerOffset === 0xffffffff) headerOffset = next();
      }
      e += 4 + length;
    }
    if (flags & 0x1) throw new Error(`${path}: member ${name} is encrypted; expected a plain .npz`);
    members.push({ name, method, compressedSize, size, crc32, headerOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

/** Where the member's data starts, after its local header (checked to be one). */
async function dataStartOf(file: FileHandle, where: string, member: ZipMember): Promise<number> {
  if (member.method !== 0 && member.method !== 8) throw new Error(`${where} uses zip method ${member.method}; expected 0 (stored, np.savez) or 8 (deflated, np.savez_compressed)`);
  const header = await readAt(file, member.headerOffset, 30);
  const h = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.length < 30 || h.getUint32(0, true) !== LOCAL_HEADER) throw new Error(`${where}: no local header (signature PK\\3\\4) at byte ${member.headerOffset}; the archive is damaged or truncated`);
  const dataStart = member.headerOffset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
  const fileSize = (await file.stat()).size;
  if (dataStart + member.compressedSize > fileSize) {
    throw new Error(`${where}: ${Math.max(0, fileSize - dataStart)} of its ${member.compressedSize} bytes are in the file (truncated)`);
  }
  return dataStart;
}

async function readMember(file: FileHandle, path: string, member: ZipMember): Promise<Uint8Array> {
  const where = `${path}: member ${member.name}`;
  if (member.size > MAX_MEMBER || member.compressedSize > MAX_MEMBER) {
    throw new Error(`${where} is ${member.size} bytes (${(member.size / 2 ** 30).toFixed(1)} GiB): read whole, members over 4 GiB do not fit in memory at once`);
  }
  const dataStart = await dataStartOf(file, where, member);
  const stored = await readAt(file, dataStart, member.compressedSize);
  if (stored.length !== member.compressedSize) {
    throw new Error(`${where}: ${stored.length} of its ${member.compressedSize} bytes are in the file (truncated)`);
  }
  let bytes: Uint8Array;
  if (member.method === 8) {
    try {
      bytes = inflateRawSync(stored, { maxOutputLength: Math.max(1, member.size) });
    } catch (error) {
      throw new Error(`${where}: its deflated data does not inflate (${(error as Error).message}); the archive is damaged`);
    }
  } else {
    bytes = stored;
  }
  if (bytes.length !== member.size) throw new Error(`${where}: ${bytes.length} bytes after inflating, the directory says ${member.size} (damaged)`);
  const crc = crc32(bytes);
  if (crc !== member.crc32) {
    throw new Error(`${where}: CRC-32 ${hex(crc)} does not match the ${hex(member.crc32)} recorded in the archive; the data is damaged`);
  }
  return bytes;
}

const CHUNK = 1 << 20;

async function* memberChunks(file: FileHandle, path: string, member: ZipMember): AsyncGenerator<Uint8Array> {
  const where = `${path}: member ${member.name}`;
  const dataStart = await dataStartOf(file, where, member);
  let crc = 0;
  let size = 0;
  if (member.method === 0) {
    for (let offset = 0; offset < member.compressedSize; offset += CHUNK) {
      const chunk = await readAt(file, dataStart + offset, Math.min(CHUNK, member.compressedSize - offset));
      crc = crc32(chunk, crc);
      size += chunk.length;
      yield chunk;
    }
  } else if (member.compressedSize > 0) {
    const source = createReadStream(path, { start: dataStart, end: dataStart + member.compressedSize - 1, highWaterMark: CHUNK });
    const inflate = createInflateRaw();
    source.on('error', (error) => inflate.destroy(error));
    source.pipe(inflate);
    try {
      for await (const chunk of inflate as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        if (size > member.size) throw new Error(`${where}: inflates to more than the ${member.size} bytes the directory says (damaged)`);
        crc = crc32(chunk, crc);
        yield chunk;
      }
    } catch (error) {
      if ((error as Error).message.startsWith(where)) throw error;
      throw new Error(`${where}: its deflated data does not inflate (${(error as Error).message}); the archive is damaged`);
    } finally {
      source.destroy();
      inflate.destroy();
    }
  }
  if (size !== member.size) throw new Error(`${where}: ${size} bytes, the directory says ${member.size} (damaged)`);
  if (crc !== member.crc32) throw new Error(`${where}: CRC-32 ${hex(crc)} does not match the ${hex(member.crc32)} recorded in the archive; the data is damaged`);
}

const hex = (x: number) => `0x${x.toString(16).padStart(8, '0')}`;

let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, the zip one); `previous` continues a running CRC over a further chunk. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
