/**
 * A restricted reader of Python pickles: it builds lists, tuples, strings and integers and nothing
 * else. A pickle is a program for a stack machine, and the ordinary unpickler runs whatever it names
 * (`GLOBAL` + `REDUCE` is `os.system(...)`), so a label file from the internet is never given to one.
 * This reader knows only the opcodes that `pickle.dump((sample_name, list(sample_label)), f)` emits
 * at protocols 0-5 (ST-GCN's `*_label.pkl`); every other opcode, above all the ones that reference a
 * class or call one, stops it with the file, the byte offset and the opcode named.
 */

/** A pickled tuple (kept apart from a list, since Python keeps them apart). */
export class PickleTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

/** What the restricted reader builds: `str`, `int`, `list` (a JS array), `tuple`. */
export type PickleValue = string | number | PickleValue[] | PickleTuple;

/** The restricted reader met something it does not build, or a broken file. */
export class PickleRefusedError extends Error {
  override name = 'PickleRefusedError';
  constructor(
    readonly source: string,
    readonly offset: number,
    message: string,
  ) {
    super(`${source}: byte ${offset}: ${message}`);
  }
}

/** Names of the pickle opcodes (pickletools' names), so a refusal can say which one it met. */
const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT',
  0x4a: 'BININT', 0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID',
  0x51: 'BINPERSID', 0x52: 'REDUCE', 0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND', 0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT',
  0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET', 0x69: 'INST', 0x6a: 'LONG_BINGET',
  0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT',
  0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT', 0x80: 'PROTO',
  0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3',
  0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES',
  0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS',
  0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME',
  0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

const EXPECTED = 'this reader builds only lists, tuples, str and int, e.g. a tuple (sample_name, label) of a list of str and a list of int';

/** Marks on the stack; a unique object so that no pickled value can be mistaken for one. */
const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

/**
 * Reads one pickle (protocols 0-5) holding only lists, tuples, `str` and `int`. Nothing in the
 * file is run: opcodes that name a class (`GLOBAL`, `STACK_GLOBAL`, `INST`), call one (`REDUCE`,
 * `NEWOBJ`, `OBJ`, `BUILD`) or build anything else (dicts, floats, bytes, `None`, bools) are refused.
 *
 * @throws PickleRefusedError naming `source`, the byte offset, the opcode and what was expected;
 *   also for a truncated file, invalid UTF-8, integers beyond 2^53, or bytes after `STOP`.
 */
export function loadRestrictedPickle(bytes: Uint8Array, source: string): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const stack: StackItem[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = 0;
  let at = 0; // offset of the opcode being run, for messages
  let name = '';

  const fail = (message: string): never => {
    throw new PickleRefusedError(source, at, message);
  };
  const need = (count: number): number => {
    if (count > bytes.length - pos) fail(`${name}: the file ends after ${bytes.length} bytes, ${count - (bytes.length - pos)} bytes short of this opcode's argument (truncated?)`);
    const start = pos;
    pos += count;
    return start;
  };
  const uint = (size: 1 | 2 | 4 | 8): number => {
    const p = need(size);
    if (size === 1) return view.getUint8(p);
    if (size === 2) return view.getUint16(p, true);
    if (size === 4) return view.getUint32(p, true);
    const value = view.getBigUint64(p, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${name}: length ${value} is beyond any file`);
    return Number(value);
  };
  /** A protocol-0 argument: the text up to the next newline. */
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail(`${name}: the file ends before this opcode's newline-terminated argument (truncated?)`);
    const text = new TextDecoder('latin1').decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const text = (length: number): string => {
    const p = need(length);
    try {
      return utf8.decode(bytes.subarray(p, p + length));
    } catch {
      return fail(`${name}: ${length} bytes that are not valid UTF-8`);
    }
  };
  const integer = (value: bigint | number): number => {
    if (typeof value === 'bigint') {
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) fail(`${name}: integer ${value} is beyond 2^53 (expected a class index)`);
      return Number(value);
    }
    return value;
  };
  const decimal = (digits: string): number => {
    // Protocol 0 writes `I01`/`I00` for True/False and a trailing `L` on longs.
    const body = digits.endsWith('L') ? digits.slice(0, -1) : digits;
    if (!/^[+-]?\d+$/.test(body)) fail(`${name}: '${digits}' is not a decimal integer`);
    return integer(BigInt(body));
  };
  const pop = (): PickleValue => {
    const item = stack.pop();
    if (item === undefined) return fail(`${name} found an empty stack (a malformed pickle)`);
    if (item === MARK) return fail(`${name} found a MARK where it expected a value (a malformed pickle)`);
    return item;
  };
  const top = (): PickleValue => {
    const item = stack.at(-1);
    if (item === undefined || item === MARK) return fail(`${name} expected a value on the stack (a malformed pickle)`);
    return item;
  };
  /** Pops the items above the topmost MARK, and the MARK. */
  const popMark = (): PickleValue[] => {
    const mark = stack.lastIndexOf(MARK);
    if (mark < 0) fail(`${name} found no MARK on the stack (a malformed pickle)`);
    const items = stack.splice(mark).slice(1) as PickleValue[];
    return items;
  };
  const listOnTop = (): PickleValue[] => {
    const list = top();
    if (!Array.isArray(list)) fail(`${name} appends to ${describePickleValue(list)}, expected a list`);
    return list as PickleValue[];
  };
  const memoGet = (index: number): PickleValue => {
    const value = memo.get(index);
    if (value === undefined) fail(`${name} refers to memo entry ${index}, which was never stored (a malformed pickle)`);
    return value!;
  };
  const memoPut = (index: number): void => {
    memo.set(index, top());
  };

  while (true) {
    if (pos >= bytes.length) {
      at = pos;
      return fail(`the file ends after ${bytes.length} bytes without the STOP opcode (truncated?); ${EXPECTED}`);
    }
    at = pos;
    const op = bytes[pos++]!;
    name = OPCODE_NAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`;
    switch (op) {
      case 0x80: { // PROTO
        const protocol = uint(1);
        if (protocol > 5) fail(`PROTO ${protocol}: pickle protocols 0-5 are known, got ${protocol}`);
        break;
      }
      case 0x95: // FRAME: a length hint for buffered readers; the opcodes inside are read as usual
        uint(8);
        break;
      case 0x2e: { // STOP
        const value = pop();
        if (stack.length > 0) fail(`STOP with ${stack.length} more item(s) on the stack (a malformed pickle)`);
        if (pos < bytes.length) fail(`${bytes.length - pos} bytes after the STOP opcode; expected one pickle (was more than one object dumped into this file?)`);
        return value;
      }
      case 0x28: stack.push(MARK); break; // MARK
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(new PickleTuple([])); break; // EMPTY_TUPLE
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x74: stack.push(new PickleTuple(popMark())); break; // TUPLE
      case 0x85: stack.push(new PickleTuple([pop()])); break; // TUPLE1
      case 0x86: { // TUPLE2
        const b = pop();
        stack.push(new PickleTuple([pop(), b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new PickleTuple([pop(), b, c]));
        break;
      }
      case 0x61: { // APPEND
        const value = pop();
        listOnTop().push(value);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        const list = listOnTop();
        for (const item of items) list.push(item);
        break;
      }
      case 0x8c: stack.push(text(uint(1))); break; // SHORT_BINUNICODE
      case 0x58: stack.push(text(uint(4))); break; // BINUNICODE
      case 0x8d: stack.push(text(uint(8))); break; // BINUNICODE8
      case 0x56: stack.push(rawUnicodeEscape(line(), fail)); break; // UNICODE (protocol 0)
      case 0x55: case 0x54: { // SHORT_BINSTRING, BINSTRING: Python 2 `str`, read as Latin-1
        const p = need(op === 0x55 ? uint(1) : uint(4));
        stack.push(new TextDecoder('latin1').decode(bytes.subarray(p, pos)));
        break;
      }
      case 0x4b: stack.push(uint(1)); break; // BININT1
      case 0x4d: stack.push(uint(2)); break; // BININT2
      case 0x4a: stack.push(view.getInt32(need(4), true)); break; // BININT
      case 0x8a: case 0x8b: { // LONG1, LONG4: little-endian two's complement
        const length = op === 0x8a ? uint(1) : uint(4);
        const p = need(length);
        let value = 0n;
        for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[p + i]!);
        if (length > 0 && bytes[p + length - 1]! >= 0x80) value -= 1n << BigInt(8 * length);
        stack.push(integer(value));
        break;
      }
      case 0x49: case 0x4c: stack.push(decimal(line())); break; // INT, LONG (protocol 0)
      case 0x94: memoPut(memo.size); break; // MEMOIZE
      case 0x71: memoPut(uint(1)); break; // BINPUT
      case 0x72: memoPut(uint(4)); break; // LONG_BINPUT
      case 0x70: memoPut(decimal(line())); break; // PUT
      case 0x68: stack.push(memoGet(uint(1))); break; // BINGET
      case 0x6a: stack.push(memoGet(uint(4))); break; // LONG_BINGET
      case 0x67: stack.push(memoGet(decimal(line()))); break; // GET
      case 0x63: { // GLOBAL: read its argument only to name the class in the refusal
        const module = line();
        return refuseClass(`${module}.${line()}`);
      }
      case 0x93: { // STACK_GLOBAL
        const [module, qualname] = [stack.at(-2), stack.at(-1)];
        return refuseClass(typeof module === 'string' && typeof qualname === 'string' ? `${module}.${qualname}` : undefined);
      }
      default:
        return fail(`opcode ${name} is not allowed: ${EXPECTED}; nothing in the file was run`);
    }
  }

  function refuseClass(qualified: string | undefined): never {
    const what = qualified ? `a reference to the class ${qualified}` : 'a class reference';
    const numpy = qualified?.startsWith('numpy') || qualified?.startsWith('_codecs')
      ? '; numpy values (numpy.int64 labels, arrays) are pickled as class references: save plain Python ints, e.g. pickle.dump((sample_name, list(map(int, labels))), f)'
      : '';
    return fail(`opcode ${name} (${what}) is not allowed: ${EXPECTED}; nothing in the file was run${numpy}`);
  }
}

/** A short description of a pickled value for messages: its Python type and, if short, its value. */
export function describePickleValue(value: PickleValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `a str ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number') return `an int ${value}`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return `a tuple of ${value.items.length}`;
}

/** Protocol 0's `raw-unicode-escape`: `\uXXXX` and `\UXXXXXXXX` escapes, every other byte Latin-1. */
function rawUnicodeEscape(raw: string, fail: (message: string) => never): string {
  return raw.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u4: string | undefined, u8: string | undefined) => {
    const code = parseInt(u4 ?? u8!, 16);
    if (code > 0x10ffff) fail(`UNICODE: escape \\U${u8} is beyond Unicode`);
    return String.fromCodePoint(code);
  });
}
