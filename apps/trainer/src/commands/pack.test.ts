import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '@skelnorm/data/node';
import { captureIO } from '../test-support/capture-io.js';
import { command } from './pack.js';
import { ntuSamplesDir } from '@skelnorm/test-support';

const samples = ntuSamplesDir();
const NAMES = ['S001C001P001R001A001', 'S001C001P001R001A011', 'S001C003P008R002A058'];

/** Plain reader: per body block in file order, its tracking id and x y z per joint (as Math.fround(Number(token))). */
async function bodiesOf(name: string): Promise<Map<string, Map<number, number[]>>> {
  const lines = (await readFile(join(samples, `${name}.skeleton`), 'utf8')).split(/\r?\n/);
  let i = 0;
  const frames = Number(lines[i++]);
  const bodies = new Map<string, Map<number, number[]>>();
  for (let f = 0; f < frames; f++) {
    const count = Number(lines[i++]);
    for (let b = 0; b < count; b++) {
      const id = lines[i++]!.split(' ')[0]!;
      i++; // joint count
      const xyz: number[] = [];
      for (let j = 0; j < 25; j++) xyz.push(...lines[i++]!.split(' ').slice(0, 3).map((v) => Math.fround(Number(v))));
      if (!bodies.has(id)) bodies.set(id, new Map());
      bodies.get(id)!.set(f, xyz);
    }
  }
  return bodies;
}

/** 2s-AGCN's energy, computed here independently: sum over x, y, z of the std over all frames and joints. */
function energy(frames: Map<number, number[]>): number {
  let e = 0;
  for (let c = 0; c < 3; c++) {
    const v = [...frames.values()].flatMap((xyz) => xyz.filter((_, k) => k % 3 === c));
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    e += Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  }
  return e;
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-pack-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('skelnorm pack', () => {
  it('--no-transform --select energy writes (N, 3, 300, 25, 2) float32 equal to the files\' numbers', async () => {
    const io = captureIO();
    const out = join(root, 'raw');
    const code = await command.run([...NAMES.map((n) => join(samples, `${n}.skeleton`)), '--out', out, '--no-transform', '--select', 'energy'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout.join('\n')).toContain('float32 (3, 3, 300, 25, 2)');
    const npy = await readNpy(join(out, 'data.npy'));
    expect(npy.dtype).toBe('<f4');
    expect(npy.shape).toEqual([3, 3, 300, 25, 2]);
    const list = JSON.parse(await readFile(join(out, 'samples.json'), 'utf8'));
    expect(list.sample_name).toEqual(NAMES);
    expect(list.label).toEqual([0, 10, 57]);
    const at = (n: number, c: number, t: number, v: number, m: number) => npy.data[(((n * 3 + c) * 300 + t) * 25 + v) * 2 + m]!;
    for (const [n, name] of NAMES.entries()) {
      const bodies = [...(await bodiesOf(name)).values()].sort((a, b) => energy(b) - energy(a));
      for (let m = 0; m < 2; m++) {
        const body = bodies[m];
        for (let t = 0; t < 300; t++) {
          const xyz = body?.get(t);
          for (let v = 0; v < 25; v++) for (let c = 0; c < 3; c++) expect(at(n, c, t, v, m)).toBe(xyz ? xyz[v * 3 + c]! : 0);
        }
      }
    }
  });

  it('packs a folder past bad files, lists them, and --strict stops at the first', async () => {
    const folder = join(root, 'mixed');
    await mkdir(folder);
    await copyFile(join(samples, 'S001C001P001R001A001.skeleton'), join(folder, 'S001C001P001R001A001.skeleton'));
    await writeFile(join(folder, 'S001C001P002R001A005.skeleton'), '1\n1\n7 0 1 1 1 1 0 0 0 2\n25\n0.1 abc\n');
    await copyFile(join(samples, 'S001C003P008R002A058.skeleton'), join(folder, 'S001C003P008R002A058.skeleton'));
    const io = captureIO();
    const out = join(root, 'mixed-out');
    expect(await command.run([folder, '--out', out, '--frames', '64'], io)).toBe(1);
    expect(io.stdout.join('\n')).toContain('float32 (2, 3, 64, 25, 2)');
    expect(io.stdout.join('\n')).toContain('missing-skeleton lists: none found');
    expect(io.stderr[0]).toBe('1 of 3 files failed:');
    expect(io.stderr[1]).toMatch(/S001C001P002R001A005\.skeleton:5: expected y, field 2 of 12 .*found 'abc'/);
    const list = JSON.parse(await readFile(join(out, 'samples.json'), 'utf8'));
    expect(list.failed).toHaveLength(1);

    await expect(command.run([folder, '--out', join(root, 'strict-out'), '--strict'], captureIO())).rejects.toThrow(/S001C001P002R001A005\.skeleton:5:/);
  });

  it('honours the official missing-skeleton list found beside the files', async () => {
    const io = captureIO();
    expect(await command.run([samples, '--out', join(root, 'all'), '--frames', '32', '--select', 'denoise'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/missing-skeleton lists: .*NTU_RGBD_samples_with_missing_skeletons\.txt/);
    expect(io.stdout.join('\n')).toContain('float32 (3, 3, 32, 25, 2)');
  });

  it('keeps a good export when every input fails, refuses to replace it without --force, and never writes into a folder of other files', async () => {
    const out = join(root, 'kept');
    const good = [join(samples, 'S001C001P001R001A001.skeleton')];
    expect(await command.run([...good, '--out', out, '--frames', '16'], captureIO())).toBe(0);
    const before = [await readFile(join(out, 'data.npy')), await readFile(join(out, 'samples.json'), 'utf8')] as const;

    const refused = captureIO();
    await expect(command.run([...good, '--out', out, '--frames', '16'], refused)).rejects.toThrow(/--out .*kept already holds a pack export; choose another folder or add --force/);

    const broken = join(root, 'broken');
    await mkdir(broken);
    await writeFile(join(broken, 'S001C001P002R001A005.skeleton'), '1\n1\n7 0 1 1 1 1 0 0 0 2\n25\n0.1 abc\n');
    const io = captureIO();
    expect(await command.run([broken, '--out', out, '--force'], io)).toBe(1);
    expect(io.stderr[0]).toMatch(/no sample packed from 1 file; .*kept was left as it was/);
    expect(await readFile(join(out, 'data.npy'))).toEqual(before[0]);
    expect(await readFile(join(out, 'samples.json'), 'utf8')).toBe(before[1]);
    expect((await readdir(root)).filter((e) => e.includes('.tmp') || e.includes('.old'))).toEqual([]);

    // The skeleton folder itself is no place for an export that replaces its folder whole.
    await expect(command.run([broken, '--out', broken, '--force'], captureIO())).rejects.toThrow(/holds S001C001P002R001A005\.skeleton, not only a pack export/);
  });
});
