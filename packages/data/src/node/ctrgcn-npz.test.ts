import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, openZipArchive, readCtrgcnNpz } from './index.js';

// CTR-GCN data made by numpy itself (Debian's python3-numpy, installed by `.ci/run`): a missing
// numpy fails these tests, never skips them.
const python = '/usr/bin/python3';
const root = mkdtempSync(join(tmpdir(), 'skelnorm-npz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * Writes an `.npz` as CTR-GCN's seq_transformation.py does (x float32 (N, T, 150), y one-hot
 * float64 (N, 60), the last 2 frames zero padding), and, as the reference for our layout
 * conversion, `<name>.<split>.bin`: numpy's own `reshape((N, T, 2, 25, 3)).transpose(0, 2, 1, 3, 4)`
 * to (N, M, T, V, C).
 */
function writeNpz(name: string, options: { compressed?: boolean; edit?: string; n?: number; frames?: number } = {}): string {
  expect(existsSync(python), `${python} is needed (apt-get install python3-numpy)`).toBe(true);
  const path = join(root, `${name}.npz`);
  const script = `
import sys, numpy as np
path, T = sys.argv[1], ${options.frames ?? 6}
rng = np.random.default_rng(3)
def split(n, first):
    x = rng.standard_normal((n, T, 150)).astype(np.float32)
    x[:, T - 2:] = 0
    x[0, :, 75:] = 0  # a one-person sample
    y = np.zeros((n, 60))
    for i in range(n): y[i, (first + i * 7) % 60] = 1
    return x, y
x_train, y_train = split(${options.n ?? 5}, 0)
x_test, y_test = split(3, 11)
${options.edit ?? ''}
(np.savez_compressed if ${options.compressed ? 'True' : 'False'} else np.savez)(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
for s, x in (('train', x_train), ('test', x_test)):
    if x.ndim == 3 and x.shape[2] == 150 and np.isfinite(x).all() and np.abs(x).max() < 1e38:
        np.ascontiguousarray(x.reshape((x.shape[0], T, 2, 25, 3)).transpose(0, 2, 1, 3, 4)).astype(np.float32).tofile(path + '.' + s + '.bin')
`;
  execFileSync(python, ['-c', script, path]);
  return path;
}

const expected = (path: string, split: string) => new Float32Array(readFileSync(`${path}.${split}.bin`).buffer.slice(0));

describe('readCtrgcnNpz', () => {
  it.each([
    ['np.savez (stored)', false],
    ['np.savez_compressed (deflated)', true],
  ])('reads %s into [M, T, V, C] samples named x_train[i], numpy reshaping the same way', async (_name, compressed) => {
    const path = writeNpz(compressed ? 'compressed' : 'stored', { compressed });
    const set = await readCtrgcnNpz(path);
    expect(set.numClasses).toBe(60);
    expect(set.train.map((s) => s.name)).toEqual(['x_train[0]', 'x_train[1]', 'x_train[2]', 'x_train[3]', 'x_train[4]']);
    expect(set.train.map((s) => s.label)).toEqual([0, 7, 14, 21, 28]);
    expect(set.test.map((s) => s.label)).toEqual([11, 18, 25]);
    for (const [split, samples] of [['train', set.train], ['test', set.test]] as const) {
      const all = expected(path, split);
      samples.forEach((s, i) => {
        expect([s.persons, s.frames, s.joints, s.channels]).toEqual([2, 6, 25, 3]);
        expect(s.data).toEqual(all.subarray(i * s.data.length, (i + 1) * s.data.length));
        expect(s.validFrames).toBe(4);
        expect(Array.from(s.personMask)).toEqual(i === 0 ? [1, 0] : [1, 1]);
      });
    }
    expect(set.description).toBe(`CTR-GCN x_train (5, 6, 150), y_train (5, 60), x_test (3, 6, 150), y_test (3, 60)`);
  });

  it.each([false, true])('streams an x larger than its 1 MiB read chunks (compressed: %s), rows spanning chunk boundaries', async (compressed) => {
    // 20 x 300 x 150 float32 = 3.6 MB: NTU's own T; a row of 180,000 bytes does not divide 1 MiB.
    const path = writeNpz(`long-${compressed}`, { compressed, n: 20, frames: 300 });
    const set = await readCtrgcnNpz(path);
    const all = expected(path, 'train');
    expect(set.train).toHaveLength(20);
    // Compared in a loop: a deep equality of 450,000 numbers is slow to run and to print.
    const differing = set.train.flatMap((s, i) => Array.from(s.data).filter((x, k) => !Object.is(x, all[i * s.data.length + k])).length);
    expect(differing).toEqual(new Array(20).fill(0));
    expect(set.train[19]!.validFrames).toBe(298);
  });

  it('reads one-person data (N, T, 75) and float64 coordinates', async () => {
    const set = await readCtrgcnNpz(writeNpz('one-person', { edit: 'x_train, x_test = x_train[:, :, :75].astype(np.float64), x_test[:, :, :75]' }));
    expect(set.train[1]!.persons).toBe(1);
    expect(set.test[0]!.data.length).toBe(6 * 25 * 3);
  });

  it.each([false, true])('reads zip64 records (compressed: %s): sizes and offsets in zip64 extra fields, a zip64 end record', async (compressed) => {
    // zipfile writes zip64 central records only past 4 GiB; lowering its limit gives the same records for a small file.
    const path = writeNpz(`zip64-${compressed}`, { compressed, edit: 'import zipfile; zipfile.ZIP64_LIMIT = 64' });
    const bytes = readFileSync(path);
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true); // the zip64 end record is there
    const archive = await openZipArchive(path);
    expect(archive.members.find((m) => m.name === 'x_train.npy')!.size).toBe(128 + 5 * 6 * 150 * 4);
    await archive.close();
    const set = await readCtrgcnNpz(path);
    expect(set.train.map((s) => s.label)).toEqual([0, 7, 14, 21, 28]);
    expect(set.test[2]!.data).toEqual(expected(path, 'test').subarray(2 * 900, 3 * 900));
  });

  it('checks CRC-32 against zlib', () => {
    const out = execFileSync(python, ['-c', 'import zlib; print(zlib.crc32(bytes(range(256)) * 3))']).toString().trim();
    expect(crc32(Uint8Array.from({ length: 768 }, (_, i) => i % 256))).toBe(Number(out));
  });

  /** Flips one byte in the middle of a member's stored data. */
  async function flipInMember(path: string, member: string): Promise<void> {
    const archive = await openZipArchive(path);
    const m = archive.members.find((e) => e.name === member)!;
    await archive.close();
    const bytes = readFileSync(path);
    const local = m.headerOffset + 30 + bytes.readUInt16LE(m.headerOffset + 26) + bytes.readUInt16LE(m.headerOffset + 28);
    bytes[local + (m.compressedSize >> 1)]! ^= 0x40;
    writeFileSync(path, bytes);
  }

  const BAD: [string, { compressed?: boolean; edit?: string }, (path: string) => unknown, RegExp][] = [
    ['a truncated .npz', {}, (p) => truncateSync(p, 3000), /\.npz: no zip end-of-central-directory record in its last bytes; expected a \.npz .*truncated or not an \.npz/],
    ['a bad CRC (np.savez)', {}, (p) => flipInMember(p, 'x_train.npy'), /\.npz: member x_train\.npy: CRC-32 0x[0-9a-f]{8} does not match the 0x[0-9a-f]{8} recorded in the archive; the data is damaged/],
    ['damaged deflate data (np.savez_compressed)', { compressed: true }, (p) => flipInMember(p, 'x_test.npy'), /\.npz: member x_test\.npy: (CRC-32 .* does not match|its deflated data does not inflate|\d+ bytes, the directory says \d+ \(damaged\))/],
    ['not a zip at all', {}, (p) => writeFileSync(p, 'hello'), /no zip end-of-central-directory record/],
    ['a row with two ones', { edit: 'y_train[3, 5] = 1' }, () => {}, /\.npz: y_train: row 3 \(x_train\[3\]\) has a 1 at columns 5 and 21; expected one-hot rows \(exactly one 1\)/],
    ['a row of zeros', { edit: 'y_test[2] = 0' }, () => {}, /y_test: row 2 \(x_test\[2\]\) is all zeros; expected one-hot rows/],
    ['a row with 0.5', { edit: 'y_train[1, 7] = 0.5' }, () => {}, /y_train: row 1 \(x_train\[1\]\) holds 0\.5 at column 7; expected one-hot rows/],
    ['labels instead of one-hot', { edit: 'y_train = np.argmax(y_train, 1)' }, () => {}, /y_train has shape \(5\); expected \(N, classes\), one-hot/],
    ['x of the wrong width', { edit: 'x_train = x_train[:, :, :149]' }, () => {}, /x_train has shape \(5, 6, 149\); expected \(N, T, M\*25\*3\), e\.g\. \(N, 300, 150\)/],
    ['x in the ST-GCN layout', { edit: 'x_test = np.zeros((3, 3, 6, 25, 2), np.float32)' }, () => {}, /x_test has shape \(3, 3, 6, 25, 2\); expected \(N, T, M\*25\*3\)/],
    ['N of x and y differ', { edit: 'y_train = y_train[:4]' }, () => {}, /x_train has 5 samples but y_train has 4 rows; expected one one-hot row per sample/],
    ['different class counts', { edit: 'y_test = y_test[:, :59]' }, () => {}, /y_train has 60 classes \(columns\) but y_test has 59; expected the same one-hot width/],
    ['integer coordinates', { edit: 'x_train = x_train.astype(np.int32)' }, () => {}, /x_train has dtype <i4; expected float32 \(<f4\) or float64 \(<f8\) coordinates/],
    ['a NaN coordinate', { edit: 'x_test[1, 2, 75 + 4 * 3 + 2] = np.nan' }, () => {}, /x_test\[1\] holds NaN at \(t=2, m=1, v=4, c=2\); coordinates must be finite/],
    ['a float64 beyond float32', { edit: 'x_train = x_train.astype(np.float64); x_train[0, 0, 0] = 1e300' }, () => {}, /x_train\[0\] holds 1e\+300 at \(t=0, m=0, v=0, c=0\); coordinates must be finite numbers within float32's range/],
    ['no test split', { edit: 'np.savez(path, x_train=x_train, y_train=y_train); sys.exit(0)' }, () => {}, /\.npz: no x_test array \(it holds x_train, y_train\); expected x_train, y_train, x_test, y_test/],
  ];
  it.each(BAD)('refuses %s, naming the file and what was expected', async (name, options, spoil, message) => {
    const path = writeNpz(`bad-${name.replace(/\W+/g, '-')}`, options);
    await spoil(path);
    await expect(readCtrgcnNpz(path)).rejects.toThrow(message);
  });
});
