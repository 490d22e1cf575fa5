import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PickleRefusedError, PickleTuple, loadRestrictedPickle, parseLabelPickle, type PickleValue } from './index.js';

// Pickles made by CPython's own `pickle` (Debian's python3; `.ci/run` installs it with numpy): a
// missing python3 or numpy fails these tests, never skips them.
const python = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'skelnorm-pickle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a Python snippet that writes a pickle to stdout (as hex) and returns its bytes. */
function pickled(expression: string, protocol = 4, imports = ''): Uint8Array {
  expect(existsSync(python), `${python} is needed (apt-get install python3-numpy)`).toBe(true);
  const hex = execFileSync(python, ['-c', `import pickle\n${imports}\nprint(pickle.dumps(${expression}, protocol=${protocol}).hex())`]).toString().trim();
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Plain JSON of a restricted-pickle value, tuples as arrays, to compare with Python's json.dumps. */
const plain = (v: PickleValue): unknown => (v instanceof PickleTuple ? v.items.map(plain) : Array.isArray(v) ? v.map(plain) : v);

// Labels around every integer opcode's limits; names with non-ASCII text, quotes, backslashes and a
// repeated str object (pickled once, then fetched from the memo); more than 1000 items, so that
// pickle writes several MARK ... APPENDS batches.
const LABELS_PY = '[0, 1, 255, 256, 65535, 65536, -1, -2**31, 2**31 - 1, 2**31, -2**31 - 1, 2**40, -(2**52)] + list(range(1200))';
const NAMES_PY = "[s, 'S001C001P001R001A001.skeleton', 'caf\\u00e9 \\u65e5\\u672c \\U0001F600', 'back\\\\slash \"q\" \\n', s] + ['n%d' % i for i in range(1208)]";

describe('loadRestrictedPickle', () => {
  it.each([0, 1, 2, 3, 4, 5])('reads (list of str, list of int) as CPython pickles it at protocol %i', (protocol) => {
    const expected = JSON.parse(
      execFileSync(python, ['-c', `import json\ns = 'dup'\nprint(json.dumps((${NAMES_PY}, ${LABELS_PY})))`]).toString(),
    );
    const bytes = pickled(`(${NAMES_PY}, ${LABELS_PY})`, protocol, "s = 'dup'");
    const value = loadRestrictedPickle(bytes, 'labels.pkl');
    expect(value).toBeInstanceOf(PickleTuple);
    expect(plain(value)).toEqual(expected);
    // (The memo test repeats a name: this value is no valid label file; only its reading is tested.)
    const [names, labels] = plain(value) as [string[], number[]];
    expect(labels.slice(0, 13)).toEqual([0, 1, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 52)]);
    expect(names[2]).toBe('café 日本 😀');
  });

  it("reads Python 2's byte strings (SHORT_BINSTRING) as Latin-1, as pickle.loads(..., encoding='latin1') does", () => {
    // Hand-made protocol-2 pickle of (['abc', 'caf\xe9'], [5]) in Python 2's form, checked by CPython below.
    const bytes = Uint8Array.from([0x80, 0x02, 0x5d, 0x71, 0x00, 0x28, 0x55, 0x03, 0x61, 0x62, 0x63, 0x55, 0x04, 0x63, 0x61, 0x66, 0xe9, 0x65, 0x5d, 0x71, 0x01, 0x4b, 0x05, 0x61, 0x86, 0x2e]);
    const reference = execFileSync(python, ['-c', `import pickle, json; print(json.dumps(pickle.loads(bytes.fromhex('${Buffer.from(bytes).toString('hex')}'), encoding='latin1')))`]).toString();
    expect(plain(loadRestrictedPickle(bytes, 'py2.pkl'))).toEqual(JSON.parse(reference));
  });

  /** The byte offset of the first opcode with one of `names`, as pickletools sees it. */
  function offsetOf(bytes: Uint8Array, names: string[]): number {
    const out = execFileSync(python, ['-c', `import pickletools\nfor op, arg, pos in pickletools.genops(bytes.fromhex('${Buffer.from(bytes).toString('hex')}')):\n  if op.name in ${JSON.stringify(names)}:\n    print(pos); break`]).toString();
    return Number(out.trim());
  }

  it.each([
    ['a class reference (collections.OrderedDict)', '(["a"], [collections.OrderedDict()])', 'import collections', 4, ['STACK_GLOBAL'], /STACK_GLOBAL \(a reference to the class collections\.OrderedDict\) is not allowed/],
    ['a class reference at protocol 2', '(["a"], [collections.OrderedDict()])', 'import collections', 2, ['GLOBAL'], /GLOBAL \(a reference to the class collections\.OrderedDict\) is not allowed/],
    ['numpy int64 labels', '(["a"], [numpy.int64(3)])', 'import numpy', 4, ['STACK_GLOBAL'], /numpy\._?core\.multiarray\.scalar.*save plain Python ints, e\.g\. pickle\.dump\(\(sample_name, list\(map\(int, labels\)\)\), f\)/],
    ['numpy int64 labels at protocol 2', '(["a"], [numpy.int64(3)])', 'import numpy', 2, ['GLOBAL'], /GLOBAL .*numpy.*list\(map\(int, labels\)\)/],
    ['a numpy label array', '(["a"], numpy.arange(3))', 'import numpy', 3, ['GLOBAL'], /numpy.*list\(map\(int, labels\)\)/],
    ['a float label', '(["a"], [1.5])', '', 4, ['BINFLOAT'], /opcode BINFLOAT is not allowed: this reader builds only lists, tuples, str and int/],
    ['a dict', '{"sample_name": ["a"], "label": [1]}', '', 4, ['EMPTY_DICT'], /opcode EMPTY_DICT is not allowed/],
    ['None', '(["a"], [None])', '', 4, ['NONE'], /opcode NONE is not allowed/],
    ['a bool', '(["a"], [True])', '', 4, ['NEWTRUE'], /opcode NEWTRUE is not allowed/],
    ['bytes', '([b"a"], [1])', '', 4, ['SHORT_BINBYTES'], /opcode SHORT_BINBYTES is not allowed/],
  ])('refuses %s with the file, byte offset and opcode named', (_name, expression, imports, protocol, opcodes, message) => {
    const bytes = pickled(expression, protocol, imports);
    const offset = offsetOf(bytes, opcodes);
    expect(() => loadRestrictedPickle(bytes, '/data/x_label.pkl')).toThrow(PickleRefusedError);
    expect(() => loadRestrictedPickle(bytes, '/data/x_label.pkl')).toThrow(new RegExp(`^/data/x_label\\.pkl: byte ${offset}: `));
    expect(() => loadRestrictedPickle(bytes, '/data/x_label.pkl')).toThrow(message);
  });

  it('never runs a REDUCE: an os.system payload is refused at its class reference and runs nothing', () => {
    const marker = join(dir, 'pwned');
    const bytes = pickled(`(["a"], [Evil()])`, 4, `import os\nclass Evil:\n  def __reduce__(self): return (os.system, (${JSON.stringify(`touch ${marker}`)},))`);
    expect(() => loadRestrictedPickle(bytes, 'evil.pkl')).toThrow(/evil\.pkl: byte \d+: opcode STACK_GLOBAL \(a reference to the class (posix|os)\.system\) is not allowed.*nothing in the file was run/);
    expect(existsSync(marker)).toBe(false);
    // Protocol 0 spells it GLOBAL 'posix system' + REDUCE: refused at GLOBAL too.
    const old = pickled(`Evil()`, 0, `import os\nclass Evil:\n  def __reduce__(self): return (os.system, (${JSON.stringify(`touch ${marker}`)},))`);
    expect(() => loadRestrictedPickle(old, 'evil0.pkl')).toThrow(/evil0\.pkl: byte 0: opcode GLOBAL \(a reference to the class (posix|os)\.system\)/);
    expect(existsSync(marker)).toBe(false);
  });

  it.each([2, 4, 5])('refuses a truncated pickle (protocol %i) at every cut, naming the file', (protocol) => {
    const bytes = pickled(`(["S001C001P001R001A001", "S001C001P001R001A002"], [0, 70000])`, protocol);
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => loadRestrictedPickle(bytes.subarray(0, cut), 'cut.pkl'), `cut at ${cut}`).toThrow(/^cut\.pkl: byte \d+: .*(truncated|malformed)/);
    }
  });

  it('refuses bytes after STOP (two objects dumped into one file)', () => {
    const one = pickled('(["a"], [1])');
    const two = new Uint8Array([...one, ...one]);
    expect(() => loadRestrictedPickle(two, 'two.pkl')).toThrow(new RegExp(`two\\.pkl: byte ${one.length - 1}: ${one.length} bytes after the STOP opcode; expected one pickle`));
  });
});

describe('parseLabelPickle', () => {
  it.each([
    ['a bare list', '["a", "b"]', /holds a list of 2; expected a tuple \(sample_name, label\) of two lists/],
    ['a 3-tuple', '(["a"], [1], [2])', /holds a tuple of 3; expected a tuple \(sample_name, label\)/],
    ['an int for a name', '(["a", 7], [1, 2])', /sample_name\[1\] is an int 7; expected a str/],
    ['a str for a label', '(["a", "b"], [1, "2"])', /label\[1\] \(b\) is a str "2"; expected an int/],
    ['fewer labels than names', '(["a", "b"], [1])', /2 sample names but 1 labels; expected one label per name/],
    ['a repeated name', '(["a", "b", "a"], [1, 2, 3])', /sample_name\[2\] "a" repeats sample_name\[0\]; expected unique names/],
  ])('refuses %s, naming the file and entry', (_name, expression, message) => {
    const value = loadRestrictedPickle(pickled(expression), 'l.pkl');
    expect(() => parseLabelPickle(value, 'l.pkl')).toThrow(message);
    expect(() => parseLabelPickle(value, 'l.pkl')).toThrow(/^l\.pkl: /);
  });
});
