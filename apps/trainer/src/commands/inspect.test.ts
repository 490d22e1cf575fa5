import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIO } from '../test-support/capture-io.js';
import { command } from './inspect.js';
import { ntuSamplesDir } from '@skelnorm/test-support';

const samples = ntuSamplesDir();

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-inspect-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('skelnorm inspect', () => {
  it('reports frames, bodies, tracking and selection of the real two-person sample', async () => {
    const io = captureIO();
    expect(await command.run([join(samples, 'S001C003P008R002A058.skeleton')], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('sample: S001C003P008R002A058: setup 1, camera 3, performer 8, replication 2, action 58 (label 57)');
    expect(text).toContain('splits: ntu60-xsub train, ntu60-xview train, ntu120-xsub train, ntu120-xset test');
    expect(text).toContain('frames: 70; bodies per frame: 2 in 70 frames');
    expect(text).toContain('bodies tracked: 2');
    expect(text).toMatch(/#1 id 72057594037944738: frames 1-70 \(70\), slot 0/);
    expect(text).toMatch(/problems: none/);
  });

  it('lists problems and reports unparseable files with their line (exit 1)', async () => {
    const ghost = join(root, 'S001C001P001R001A001.skeleton');
    const joint = (j: number) => `${0.1 * j} 0.2 3 0 0 0 0 0 0 0 0 2`; // a flat row: wider than tall
    const body = (id: string) => [`${id} 0 1 1 1 1 0 0 0 2`, '25', ...Array.from({ length: 25 }, (_, j) => joint(j))];
    await writeFile(ghost, ['3', '0', '1', ...body('5'), '1', ...body('5'), ''].join('\n'));
    const bad = join(root, 'bad.skeleton');
    await writeFile(bad, '2\n1\n7 0 1 1 1 1 0 0 0 2\n24\n');
    const io = captureIO();
    expect(await command.run([ghost, bad, '--json'], io)).toBe(1);
    const report = JSON.parse(io.stdout[0]!);
    expect(report.frames).toBe(3);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        '1 frame without any body',
        'body #1 (5) lives only 2 frames (likely noise)',
        expect.stringMatching(/wider than tall/),
        'LF line endings (the NTU files use CRLF; both parse)',
      ]),
    );
    expect(io.stderr).toEqual([`${bad}:4: expected the joint count 25 (frame 1 of 2, body 1 of 1), found '24'`]);
  });

  it('names a sample name outside NTU RGB+D as a problem (no label -1 or 998)', async () => {
    const renamed = join(root, 'S001C001P001R001A000.skeleton');
    await copyFile(join(samples, 'S001C001P001R001A001.skeleton'), renamed);
    const io = captureIO();
    expect(await command.run([renamed, '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout[0]!);
    expect(report.label).toBeNull();
    expect(report.splits).toBeNull();
    expect(report.problems).toContain("sample name: action A000 is outside NTU RGB+D's A001-A120 (no label, no split)");
  });
});
