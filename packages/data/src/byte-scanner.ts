import { SkeletonParseError } from './skeleton-parse-error.js';

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;

/** Powers of ten that a double holds exactly (10^0..10^22): the fast, exact conversion path. */
const EXACT_POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT_INTEGER = 2 ** 53;

/**
 * Scans one line of `count` plain decimal numbers starting at `p`, then its line break (`\n` or
 * `\r\n`; the sentinel line feed at the end of input counts). Fields whose bit is set in `keepMask`
 * are converted into `values[field]`; the others are only checked. One tight loop, the position in a
 * local variable, the mantissa in small-integer arithmetic: the hot path of a `.skeleton` file, 25 such lines
 * per body per frame.
 *
 * Only the common shape is taken here: an optional minus, at most 9 significant digits (in the kept
 * fields), an optional fraction, no exponent. Anything else (an exponent such as `-7.257856E-05`, a
 * long mantissa, an error) returns -1 and the caller re-scans the line with the careful per-token
 * readers of {@link ByteScanner}, which also say what is wrong.
 *
 * @returns the offset after the line, or -1.
 */
export function scanNumberLine(b: Uint8Array, p: number, count: number, values: Float64Array, keepMask: number): number {
  for (let field = 0; field < count; field++) {
    let c = b[p]!;
    while (c === SPACE || c === TAB) c = b[++p]!;
    const negative = c === MINUS;
    if (negative) c = b[++p]!;
    if ((keepMask >>> field) & 1) {
      // At most 9 significant digits keep m exact in int32 (leading zeros do not count); a longer
      // number takes the careful path.
      let m = 0;
      let digits = 0;
      while (c >= ZERO && c <= NINE) {
        if (m > 99_999_999) return -1;
        m = m * 10 + (c - ZERO);
        digits++;
        c = b[++p]!;
      }
      let fraction = 0;
      if (c === DOT) {
        c = b[++p]!;
        while (c >= ZERO && c <= NINE) {
          if (m > 99_999_999) return -1;
          m = m * 10 + (c - ZERO);
          fraction++;
          c = b[++p]!;
        }
      }
      if (digits + fraction === 0 || fraction > 22) return -1;
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return -1;
      const value = fraction === 0 ? m : m / EXACT_POWERS_OF_TEN[fraction]!;
      values[field] = negative ? -value : value;
    } else {
      const start = p;
      while (c >= ZERO && c <= NINE) c = b[++p]!;
      let digits = p - start;
      if (c === DOT) {
        c = b[++p]!;
        const fractionStart = p;
        while (c >= ZERO && c <= NINE) c = b[++p]!;
        digits += p - fractionStart;
      }
      if (digits === 0) return -1;
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return -1;
    }
  }
  let c = b[p]!;
  while (c === SPACE || c === TAB) c = b[++p]!;
  if (c === CR && b[p + 1] === LF) c = b[++p]!;
  if (c !== LF) return -1;
  return p + 1;
}

/**
 * Hand-written number scanning over the bytes of a whitespace-separated text format, one line of
 * tokens at a time. Readers return `NaN` (never a valid value here) instead of throwing, so the
 * caller builds an error message only when something is wrong.
 *
 * The input always ends with a line feed that is never consumed (a sentinel: the file's own last
 * `\n`, or one appended to a copy), so the inner loops need no bounds checks: every loop stops at it.
 *
 * Decimal conversion: the digits are gathered into an integer mantissa `m` and a power of ten `k`;
 * when `m <= 2^53` and `|k| <= 22`, `m / 10^-k` (or `m * 10^k`) is one correctly rounded IEEE
 * operation on exact operands, hence the same double as `parseFloat` (Clinger's fast path). Anything
 * else falls back to `Number()` on the token.
 */
export class ByteScanner {
  /** Offset of the next unread byte. */
  pos = 0;
  /** Offset of the sentinel line feed: the end of input. */
  readonly end: number;
  readonly bytes: Uint8Array;
  /** The input's own last byte is a line feed: the end of input is then on the line after it. */
  private readonly endsWithLineBreak: boolean;

  constructor(
    input: Uint8Array,
    readonly file: string,
  ) {
    this.endsWithLineBreak = input.length > 0 && input[input.length - 1] === LF;
    if (this.endsWithLineBreak) {
      // A plain Uint8Array view: Node's Buffer (a subclass) would make the element loads polymorphic.
      this.bytes = Object.getPrototypeOf(input) === Uint8Array.prototype ? input : new Uint8Array(input.buffer, input.byteOffset, input.length);
    } else {
      this.bytes = new Uint8Array(input.length + 1);
      this.bytes.set(input);
      this.bytes[input.length] = LF;
    }
    this.end = this.bytes.length - 1;
  }

  /** True when only spaces, tabs and line breaks remain. */
  atEndOfInput(): boolean {
    const b = this.bytes;
    let p = this.pos;
    while (p < this.end) {
      const c = b[p]!;
      if (c !== SPACE && c !== TAB && c !== CR && c !== LF) return false;
      p++;
    }
    this.pos = p;
    return true;
  }

  /** A decimal number (sign, digits, fraction, exponent), or `NaN` if the next token is not one. */
  float(): number {
    const b = this.bytes;
    let p = this.pos;
    let c = b[p]!;
    while (c === SPACE || c === TAB) c = b[++p]!;
    const start = p;
    const negative = c === MINUS;
    if (negative || c === PLUS) c = b[++p]!;
    let mantissa = 0;
    let digits = 0;
    let exponent = 0;
    let d = c - ZERO;
    while (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      c = b[++p]!;
      d = c - ZERO;
    }
    if (c === DOT) {
      c = b[++p]!;
      d = c - ZERO;
      while (d >= 0 && d <= 9) {
        mantissa = mantissa * 10 + d;
        digits++;
        exponent--;
        c = b[++p]!;
        d = c - ZERO;
      }
    }
    if (digits === 0) {
      this.pos = start;
      return NaN;
    }
    if (c === LOWER_E || c === UPPER_E) {
      c = b[++p]!;
      const negativeExponent = c === MINUS;
      if (negativeExponent || c === PLUS) c = b[++p]!;
      let e = 0;
      let exponentDigits = 0;
      d = c - ZERO;
      while (d >= 0 && d <= 9) {
        if (e < 100_000) e = e * 10 + d;
        exponentDigits++;
        c = b[++p]!;
        d = c - ZERO;
      }
      if (exponentDigits === 0) {
        this.pos = start;
        return NaN;
      }
      exponent += negativeExponent ? -e : e;
    }
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) {
      this.pos = start;
      return NaN;
    }
    this.pos = p;
    let value: number;
    if (mantissa <= MAX_EXACT_INTEGER && exponent >= -22 && exponent <= 22) {
      value = exponent < 0 ? mantissa / EXACT_POWERS_OF_TEN[-exponent]! : mantissa * EXACT_POWERS_OF_TEN[exponent]!;
    } else {
      value = Math.abs(Number(this.text(start, p)));
      if (!Number.isFinite(value)) {
        this.pos = start;
        return NaN;
      }
    }
    return negative ? -value : value;
  }

  /**
   * Checks that the next `count` tokens are decimal numbers and steps over them without converting
   * them (fields that are validated but not kept). On failure `pos` is left at the bad token.
   */
  skipNumbers(count: number): boolean {
    const b = this.bytes;
    let p = this.pos;
    for (let k = 0; k < count; k++) {
      let c = b[p]!;
      while (c === SPACE || c === TAB) c = b[++p]!;
      const start = p;
      if (c === MINUS || c === PLUS) c = b[++p]!;
      let digits = 0;
      let d = c - ZERO;
      while (d >= 0 && d <= 9) {
        digits++;
        c = b[++p]!;
        d = c - ZERO;
      }
      if (c === DOT) {
        c = b[++p]!;
        d = c - ZERO;
        while (d >= 0 && d <= 9) {
          digits++;
          c = b[++p]!;
          d = c - ZERO;
        }
      }
      if (digits > 0 && (c === LOWER_E || c === UPPER_E)) {
        c = b[++p]!;
        if (c === MINUS || c === PLUS) c = b[++p]!;
        let exponentDigits = 0;
        d = c - ZERO;
        while (d >= 0 && d <= 9) {
          exponentDigits++;
          c = b[++p]!;
          d = c - ZERO;
        }
        if (exponentDigits === 0) digits = 0;
      }
      if (digits === 0 || (c !== SPACE && c !== LF && c !== CR && c !== TAB)) {
        this.pos = start;
        return false;
      }
    }
    this.pos = p;
    return true;
  }

  /** A decimal integer with an optional minus sign, or `NaN` if the next token is not one. */
  int(): number {
    const b = this.bytes;
    let p = this.pos;
    let c = b[p]!;
    while (c === SPACE || c === TAB) c = b[++p]!;
    const start = p;
    const negative = c === MINUS;
    if (negative) c = b[++p]!;
    let value = 0;
    let digits = 0;
    let d = c - ZERO;
    while (d >= 0 && d <= 9) {
      if (value < 1e15) value = value * 10 + d;
      digits++;
      c = b[++p]!;
      d = c - ZERO;
    }
    if (digits === 0 || (c !== SPACE && c !== LF && c !== CR && c !== TAB)) {
      this.pos = start;
      return NaN;
    }
    this.pos = p;
    return negative ? -value : value;
  }

  /**
   * Steps over a token of 1-20 decimal digits (an unsigned 64-bit id) and returns its start offset,
   * or -1 if the next token is not one; its length is then `pos - start`.
   */
  digitToken(): number {
    const b = this.bytes;
    let p = this.pos;
    let c = b[p]!;
    while (c === SPACE || c === TAB) c = b[++p]!;
    const start = p;
    let d = c - ZERO;
    while (d >= 0 && d <= 9) {
      c = b[++p]!;
      d = c - ZERO;
    }
    const length = p - start;
    if (length === 0 || length > 20 || (c !== SPACE && c !== LF && c !== CR && c !== TAB)) {
      this.pos = start;
      return -1;
    }
    this.pos = p;
    return start;
  }

  /** Steps over trailing blanks and one line break (`\n` or `\r\n`) or the end of input. */
  endLine(): boolean {
    const b = this.bytes;
    let p = this.pos;
    let c = b[p]!;
    while (c === SPACE || c === TAB) c = b[++p]!;
    if (c === CR && b[p + 1] === LF) c = b[++p]!;
    if (c !== LF) {
      this.pos = p;
      return false;
    }
    this.pos = p < this.end ? p + 1 : p;
    return true;
  }

  /** Bytes `[start, stop)` as a string (ASCII). */
  text(start: number, stop: number): string {
    let s = '';
    for (let p = start; p < stop; p++) s += String.fromCharCode(this.bytes[p]!);
    return s;
  }

  /**
   * 1-based line number of `pos` (counted only when an error needs it). The end of a file whose
   * last line ends with a line break is on the (empty) line after it, where the missing content
   * would start.
   */
  lineAt(pos: number): number {
    let line = 1;
    const b = this.bytes;
    const stop = Math.min(pos, this.end);
    for (let p = 0; p < stop; p++) if (b[p] === LF) line++;
    return pos >= this.end && this.endsWithLineBreak ? line + 1 : line;
  }

  /** Moves to offset `at` (for re-reading a line on a cold error path); returns this scanner. */
  at(pos: number): this {
    this.pos = pos;
    return this;
  }

  /** An error at offset `at` (the start of the offending token). */
  failAt(at: number, expected: string): SkeletonParseError {
    this.pos = at;
    return this.fail(expected);
  }

  /** An error at the current position: file, line, what was expected and a quoted excerpt. */
  fail(expected: string): SkeletonParseError {
    const b = this.bytes;
    let p = this.pos;
    while (p < this.end && (b[p] === SPACE || b[p] === TAB)) p++;
    return new SkeletonParseError(this.file, this.lineAt(p), expected, this.excerpt(p));
  }

  private excerpt(at: number): string {
    if (at >= this.end) return 'end of file';
    const b = this.bytes;
    if (b[at] === CR && b[at + 1] !== LF) return 'a lone carriage return (CR-only line ends; the NTU files use CRLF, LF also parses)';
    if (b[at] === CR || b[at] === LF) return 'end of line';
    let s = '';
    for (let p = at; p < this.end && p < at + 24; p++) {
      const c = b[p]!;
      if (c === SPACE || c === TAB || c === CR || c === LF) break;
      s += c >= 33 && c <= 126 ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
    }
    return `'${s}'`;
  }
}
