import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromStgcnLayout, npyHeader, parseNpyHeader, toStgcnLayout, type SkeletonSample } from '../index.js';
import { readNpy, writeStgcnNpy } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'skelnorm-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample = (k: number, T = 3): SkeletonSample => ({
  name: `S001C001P00${k}R001A00${k}`,
  label: k - 1,
  data: Float32Array.from({ length: 2 * T * 25 * 3 }, (_, i) => k * 10000 + i),
  persons: 2, frames: T, joints: 25, channels: 3, validFrames: T, personMask: Uint8Array.of(1, 1),
});

describe('.npy export in ST-GCN layout', () => {
  it('writes a v1.0 header padded to 64 bytes', () => {
    const h = npyHeader([2, 3, 300, 25, 2]);
    expect(h.length % 64).toBe(0);
    const text = new TextDecoder().decode(h.subarray(10));
    expect(text).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3, 300, 25, 2\), \} *\n$/);
    expect(parseNpyHeader(h)).toEqual({ dtype: '<f4', fortranOrder: false, shape: [2, 3, 300, 25, 2], dataOffset: h.length });
  });

  it('maps [M, T, V, C] to (C, T, V, M) element by element', () => {
    const s = sample(1);
    const out = toStgcnLayout(s);
    // element (c=2, t=1, v=4, m=1) of the output is data[m=1][t=1][v=4][c=2]
    expect(out[((2 * 3 + 1) * 25 + 4) * 2 + 1]).toBe(s.data[((1 * 3 + 1) * 25 + 4) * 3 + 2]);
    expect(fromStgcnLayout(out, [3, 3, 25, 2])).toEqual(s.data);
  });

  it('writes data.npy and samples.json atomically and reads them back', async () => {
    const folder = join(dir, 'out');
    const result = await writeStgcnNpy(folder, [sample(1), sample(2)], { extra: { failed: [] } });
    expect(result.shape).toEqual([2, 3, 3, 25, 2]);
    const npy = await readNpy(result.dataPath);
    expect(npy.shape).toEqual([2, 3, 3, 25, 2]);
    expect(npy.data.subarray(450)).toEqual(toStgcnLayout(sample(2)));
    const json = JSON.parse(readFileSync(result.samplesPath, 'utf8'));
    expect(json.sample_name).toEqual(['S001C001P001R001A001', 'S001C001P002R001A002']);
    expect(json.label).toEqual([0, 1]);
    expect(readdirSync(folder).sort()).toEqual(['data.npy', 'samples.json']); // no temporary files left
    await expect(writeStgcnNpy(folder, [sample(1), sample(2, 4)])).rejects.toThrow(/S001C001P002R001A002 has \(C, T, V, M\)/);
    expect(readdirSync(folder).sort()).toEqual(['data.npy', 'samples.json']);
    expect((await readNpy(result.dataPath)).shape).toEqual([2, 3, 3, 25, 2]); // the old file is intact
  });

  it('never replaces a folder that holds anything but an earlier export (the replacement would delete it)', async () => {
    const folder = join(dir, 'mine');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'mine');
    await expect(writeStgcnNpy(folder, [sample(1)])).rejects.toThrow(/mine holds notes\.txt, not only data\.npy and samples\.json/);
    expect(readdirSync(folder)).toEqual(['notes.txt']);
  });

  // Debian's numpy (`.ci/run` installs python3-numpy): a missing numpy fails this test, never skips it.
  const python = '/usr/bin/python3';
  it('loads in numpy with the same numbers', async () => {
    expect(existsSync(python), `${python} is needed (apt-get install python3-numpy)`).toBe(true);
    const folder = join(dir, 'np');
    const { dataPath } = await writeStgcnNpy(folder, [sample(1), sample(2)]);
    const out = execFileSync(python, ['-c', `import numpy as np; a = np.load(${JSON.stringify(dataPath)}); print(a.dtype, a.shape, float(a[1, 2, 1, 4, 1]))`]).toString().trim();
    const expected = sample(2).data[((1 * 3 + 1) * 25 + 4) * 3 + 2];
    expect(out).toBe(`float32 (2, 3, 3, 25, 2) ${expected!.toFixed(1)}`);
  });
});
