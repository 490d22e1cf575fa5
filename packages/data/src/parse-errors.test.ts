import { describe, expect, it } from 'vitest';
import { parseSkeleton, SkeletonParseError } from './index.js';
import { readRealSample } from './test-support/ntu-samples.js';

/** A corpus of broken files made from a real one; each entry: bytes, expected line, a phrase of the message. */
const real = new TextDecoder().decode(readRealSample('S001C001P001R001A001'));
const lines = real.split('\r\n');
const join = (ls: string[]) => ls.join('\r\n');
const replaceLine = (n: number, text: string) => join(lines.map((l, i) => (i === n - 1 ? text : l)));
const enc = (s: string) => new TextEncoder().encode(s);

const corpus: { case: string; input: Uint8Array | string; line: number; expected: RegExp; found?: RegExp }[] = [
  { case: 'empty file', input: '', line: 1, expected: /frame count.*empty/ },
  { case: 'whitespace only', input: '  \r\n\r\n', line: 1, expected: /empty/ },
  { case: 'truncated mid joint line', input: real.slice(0, real.indexOf('\r\n', 2000) - 10), line: 0, expected: /joint|field/, found: /end of file/ },
  // 30 complete lines: the missing frame would start on line 31.
  { case: 'truncated after a frame', input: join(lines.slice(0, 1 + 29)) + '\r\n', line: 31, expected: /frame 2 of 103.*truncated/, found: /end of file/ },
  { case: 'truncated inside the body header', input: join(lines.slice(0, 31)), line: 31, expected: /joint count.*frame 2 of 103.*truncated/, found: /end of file/ },
  { case: 'truncated right after the frame count', input: join(lines.slice(0, 4)), line: 1, expected: /fits the file.*truncated/ },
  { case: 'wrong joint count', input: replaceLine(4, '24'), line: 4, expected: /joint count 25/, found: /'24'/ },
  { case: 'wrong joint count on the last line', input: join(['1', lines[1]!, lines[2]!, '24']) + '\r\n', line: 4, expected: /^the joint count 25 \(frame 1 of 1,/, found: /'24'/ },
  { case: 'non-numeric token', input: replaceLine(10, lines[9]!.replace(/^\S+/, 'abc')), line: 10, expected: /x, field 1 of 12.*joint 6 of 25, frame 1 of 103/, found: /'abc'/ },
  { case: 'NaN', input: replaceLine(12, lines[11]!.replace(/ \S+ /, ' NaN ')), line: 12, expected: /y, field 2 of 12/, found: /'NaN'/ },
  { case: 'negative frame count', input: replaceLine(1, '-5'), line: 1, expected: /non-negative frame count/ },
  { case: 'absurd frame count', input: replaceLine(1, '999999999'), line: 1, expected: /frame count that fits the file/ },
  { case: 'non-numeric frame count', input: replaceLine(1, 'frames'), line: 1, expected: /frame count/, found: /'frames'/ },
  { case: 'absurd body count', input: replaceLine(2, '50'), line: 2, expected: /body count between 0 and 6 for frame 1/ },
  { case: 'negative body count', input: replaceLine(2, '-1'), line: 2, expected: /body count between 0 and 6/ },
  { case: 'missing number on a joint line', input: replaceLine(7, lines[6]!.replace(/ \S+$/, '')), line: 7, expected: /trackingState|field/, found: /end of line/ },
  { case: 'extra number on a joint line', input: replaceLine(7, lines[6] + ' 7'), line: 7, expected: /end of line after 12 numbers/, found: /'7'/ },
  { case: 'short body info line', input: replaceLine(3, '72057594037931101 0 1 1 1 1 0 0.1'), line: 3, expected: /leanY/, found: /end of line/ },
  { case: 'tracking id not digits', input: replaceLine(3, lines[2]!.replace(/^\d+/, '7205x')), line: 3, expected: /tracking id/, found: /'7205x'/ },
  { case: 'text after the last frame', input: real + 'garbage\r\n', line: lines.length, expected: /end of file after the 103 frames/, found: /'garbage'/ },
  { case: 'binary junk', input: Uint8Array.from({ length: 200 }, (_, i) => (i * 151 + 7) % 256), line: 1, expected: /frame count/, found: /\\x/ },
  { case: 'NUL bytes inside', input: enc(replaceLine(8, lines[7]!.replace(' ', ' \0'))), line: 8, expected: /field 2 of 12/, found: /\\x00/ },
  { case: 'infinite number', input: replaceLine(9, lines[8]!.replace(/^\S+/, '1e999')), line: 9, expected: /x, field 1 of 12 \(a finite number/ },
  { case: 'beyond float32 (1e39)', input: replaceLine(9, lines[8]!.replace(/ \S+ /, ' 1e39 ')), line: 9, expected: /y, field 2 of 12 \(a number within float32's range/, found: /'1e39'/ },
  { case: 'beyond float32 (-1e300)', input: replaceLine(11, lines[10]!.replace(/^\S+/, '-1e300')), line: 11, expected: /x, field 1 of 12 \(a number within float32's range/, found: /'-1e300'/ },
  { case: 'bad trackingState on the line it is on', input: replaceLine(9, lines[8]!.replace(/ \d+$/, ' 300')), line: 9, expected: /trackingState 0-255 \(joint 5 of 25, frame 1 of 103/ },
  { case: 'CR-only line ends', input: real.replace(/\r\n/g, '\r'), line: 1, expected: /end of line after the frame count/, found: /a lone carriage return \(CR-only line ends/ },
];

describe('parseSkeleton errors name the file, the line and what was expected', () => {
  it.each(corpus)('$case', ({ input, line, expected, found }) => {
    let error: unknown;
    try {
      parseSkeleton(input, { name: 'broken.skeleton' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SkeletonParseError);
    const e = error as SkeletonParseError;
    expect(e.file).toBe('broken.skeleton');
    expect(e.message.startsWith(`broken.skeleton:${e.line}: expected `)).toBe(true);
    if (line > 0) expect(e.line).toBe(line);
    expect(e.expected).toMatch(expected);
    if (found) expect(e.found).toMatch(found);
  });

  it('counts lines in CRLF and LF files alike', () => {
    const lf = replaceLine(4, '24').replace(/\r\n/g, '\n');
    expect(() => parseSkeleton(lf, { name: 'lf' })).toThrow(/^lf:4: expected the joint count 25/);
  });
});
