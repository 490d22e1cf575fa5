import { SkeletonParseError } from './skeleton-parse-error.js';

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const LOWER_E = 101;
const UPPER_E = 69;

/** Powers of ten that a double holds exactly (10^0..10^22): the fast, exact conversion path. */
const EXACT_POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT_INTEGER = 2 ** 53;

/**
 * Hand-written number scanning over the bytes of a whitespace-separated text format, one line of
 * tokens at a time. Readers return `NaN` (never a valid value here) instead of throwing, so the
 * caller builds an error message only when something is wrong.
 *
 * Decimal conversion: the digits are gathered into an integer mantissa `m` and a power of ten `k`;
 * when `m <= 2^53` and `|k| <= 22`, `m / 10^-k` (or `m * 10^k`) is one correctly rounded IEEE
 * operation on exact operands, hence the same double as `parseFloat` (Clinger's fast path). Anything
 * else falls back to `Number()` on the token.
 */
export class ByteScanner {
  /** Offset of the next unread byte. */
  pos = 0;
  readonly end: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.end = bytes.length;
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
    const end = this.end;
    let p = this.pos;
    while (p < end && (b[p] === SPACE || b[p] === TAB)) p++;
    const start = p;
    let negative = false;
    if (p < end) {
      const c = b[p];
      if (c === MINUS) {
        negative = true;
        p++;
      } else if (c === PLUS) p++;
    }
    let mantissa = 0;
    let digits = 0;
    let exponent = 0;
    while (p < end) {
      const d = b[p]! - ZERO;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      digits++;
      p++;
    }
    if (p < end && b[p] === DOT) {
      p++;
      while (p < end) {
        const d = b[p]! - ZERO;
        if (d < 0 || d > 9) break;
        mantissa = mantissa * 10 + d;
        digits++;
        exponent--;
        p++;
      }
    }
    if (digits === 0) {
      this.pos = start;
      return NaN;
    }
    if (p < end && (b[p] === LOWER_E || b[p] === UPPER_E)) {
      p++;
      let negativeExponent = false;
      if (p < end && b[p] === MINUS) {
        negativeExponent = true;
        p++;
      } else if (p < end && b[p] === PLUS) p++;
      let e = 0;
      let exponentDigits = 0;
      while (p < end) {
        const d = b[p]! - ZERO;
        if (d < 0 || d > 9) break;
        if (e < 100_000) e = e * 10 + d;
        exponentDigits++;
        p++;
      }
      if (exponentDigits === 0) {
        this.pos = start;
        return NaN;
      }
      exponent += negativeExponent ? -e : e;
    }
    if (p < end) {
      const c = b[p];
      if (c !== SPACE && c !== TAB && c !== CR && c !== LF) {
        this.pos = start;
        return NaN;
      }
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
   * Checks that the next token is a decimal number and steps over it without converting it; for
   * fields that are validated but not kept.
   */
  skipNumber(): boolean {
    const b = this.bytes;
    const end = this.end;
    let p = this.pos;
    while (p < end && (b[p] === SPACE || b[p] === TAB)) p++;
    const start = p;
    if (p < end && (b[p] === MINUS || b[p] === PLUS)) p++;
    let digits = 0;
    while (p < end) {
      const d = b[p]! - ZERO;
      if (d < 0 || d > 9) break;
      digits++;
      p++;
    }
    if (p < end && b[p] === DOT) {
      p++;
      while (p < end) {
        const d = b[p]! - ZERO;
        if (d < 0 || d > 9) break;
        digits++;
        p++;
      }
    }
    if (digits > 0 && p < end && (b[p] === LOWER_E || b[p] === UPPER_E)) {
      p++;
      if (p < end && (b[p] === MINUS || b[p] === PLUS)) p++;
      let exponentDigits = 0;
      while (p < end) {
        const d = b[p]! - ZERO;
        if (d < 0 || d > 9) break;
        exponentDigits++;
        p++;
      }
      if (exponentDigits === 0) digits = 0;
    }
    if (digits > 0 && p < end) {
      const c = b[p];
      if (c !== SPACE && c !== TAB && c !== CR && c !== LF) digits = 0;
    }
    if (digits === 0) {
      this.pos = start;
      return false;
    }
    this.pos = p;
    return true;
  }

  /** A decimal integer with an optional minus sign, or `NaN` if the next token is not one. */
  int(): number {
    const b = this.bytes;
    const end = this.end;
    let p = this.pos;
    while (p < end && (b[p] === SPACE || b[p] === TAB)) p++;
    const start = p;
    let negative = false;
    if (p < end && b[p] === MINUS) {
      negative = true;
      p++;
    }
    let value = 0;
    let digits = 0;
    while (p < end) {
      const d = b[p]! - ZERO;
      if (d < 0 || d > 9) break;
      if (value < 1e15) value = value * 10 + d;
      digits++;
      p++;
    }
    if (digits === 0 || (p < end && b[p] !== SPACE && b[p] !== TAB && b[p] !== CR && b[p] !== LF)) {
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
    const end = this.end;
    let p = this.pos;
    while (p < end && (b[p] === SPACE || b[p] === TAB)) p++;
    const start = p;
    while (p < end) {
      const d = b[p]! - ZERO;
      if (d < 0 || d > 9) break;
      p++;
    }
    const length = p - start;
    if (length === 0 || length > 20 || (p < end && b[p] !== SPACE && b[p] !== TAB && b[p] !== CR && b[p] !== LF)) {
      this.pos = start;
      return -1;
    }
    this.pos = p;
    return start;
  }

  /** Steps over trailing blanks and one line break (`\n` or `\r\n`) or the end of input. */
  endLine(): boolean {
    const b = this.bytes;
    const end = this.end;
    let p = this.pos;
    while (p < end && (b[p] === SPACE || b[p] === TAB)) p++;
    if (p < end && b[p] === CR) p++;
    if (p < end) {
      if (b[p] !== LF) {
        this.pos = p;
        return false;
      }
      p++;
    }
    this.pos = p;
    return true;
  }

  /** Bytes `[start, stop)` as a string (ASCII). */
  text(start: number, stop: number): string {
    let s = '';
    for (let p = start; p < stop; p++) s += String.fromCharCode(this.bytes[p]!);
    return s;
  }

  /** 1-based line number of `pos` (counted only when an error needs it). */
  lineAt(pos: number): number {
    let line = 1;
    const b = this.bytes;
    const stop = Math.min(pos, this.end);
    for (let p = 0; p < stop; p++) if (b[p] === LF) line++;
    return line;
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
