import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSkeleton } from '@skelnorm/data';
import { captureIO } from '../test-support/capture-io.js';
import { command } from './synth.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-synth-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('skelnorm synth', () => {
  it('writes parseable .skeleton files with NTU names and a class list', async () => {
    const io = captureIO();
    const out = join(root, 'set');
    expect(await command.run(['--out', out, '--classes', '6', '--per-class', '2', '--seed', '4'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^wrote 12 \.skeleton files \([\d.]+ MB\) to .*set/m);
    expect(io.stdout.join('\n')).toMatch(/classes: 6 \(1 two-person\), 2 samples each, performers 1-40, seed 4/);
    const files = (await readdir(out)).filter((f) => f.endsWith('.skeleton'));
    expect(files).toHaveLength(12);
    for (const f of files) {
      expect(f).toMatch(/^S\d{3}C00[123]P0[0-4]\dR00[12]A\d{3}\.skeleton$/);
      const text = await readFile(join(out, f), 'utf8');
      expect(text.includes('\r\n')).toBe(true);
      expect(parseSkeleton(text, { name: f }).frameCount).toBeGreaterThan(20);
    }
    const classes = JSON.parse(await readFile(join(out, 'classes.json'), 'utf8'));
    expect(classes.classes.map((c: { action: number }) => c.action)).toEqual([1, 2, 3, 4, 10, 58]);
  });

  it('needs --out and rejects out-of-range counts', async () => {
    await expect(command.run([], captureIO())).rejects.toThrow(/--out DIR is required/);
    await expect(command.run(['--out', root, '--classes', '31'], captureIO())).rejects.toThrow(/--classes must be <= 30/);
  });

  it('never replaces .skeleton files of the same name unless --force', async () => {
    const out = join(root, 'real');
    await mkdir(out);
    const name = 'S001C001P001R001A001.skeleton';
    await writeFile(join(out, name), 'a real recording\r\n');
    await writeFile(join(out, 'notes.txt'), 'mine');
    await expect(command.run(['--out', out, '--classes', '1', '--per-class', '1'], captureIO())).rejects.toThrow(
      /--out .*real already holds S001C001P001R001A001\.skeleton; choose another folder or add --force to replace them/,
    );
    expect(await readFile(join(out, name), 'utf8')).toBe('a real recording\r\n');
    expect(await command.run(['--out', out, '--classes', '1', '--per-class', '1', '--force'], captureIO())).toBe(0);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
