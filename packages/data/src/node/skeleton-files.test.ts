import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listSkeletonFiles, ntuDataset, packSkeletonFiles, readSkeletonFile, resolveMissingSkeletons } from './index.js';
import { packSkeleton2d } from '../pack-skeleton-2d.js';
import { ntuSamplesDir, realSamplePath } from '../test-support/ntu-samples.js';

const dir = mkdtempSync(join(tmpdir(), 'skelnorm-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading folders of .skeleton files', () => {
  it('lists the real samples and reads them with their path in errors', async () => {
    const files = await listSkeletonFiles([ntuSamplesDir]);
    expect(files.map((f) => f.slice(-29))).toEqual(['S001C001P001R001A001.skeleton', 'S001C001P001R001A011.skeleton', 'S001C003P008R002A058.skeleton']);
    const file = await readSkeletonFile(files[0]!);
    expect(file.frameCount).toBe(103);
    await expect(listSkeletonFiles([join(dir, 'nope')])).rejects.toThrow(/nope: no such file or folder/);
  });

  it('honours the missing-skeleton lists by default and requires them to be found', async () => {
    const missing = await resolveMissingSkeletons('auto', [ntuSamplesDir]);
    expect(missing.size).toBe(535); // the union of the NTU-60 and NTU-120 lists
    await expect(resolveMissingSkeletons('auto', [dir])).rejects.toThrow(/no missing-skeleton list .* found .* missingSkeletons: 'none'/);
    expect((await resolveMissingSkeletons('none', [dir])).size).toBe(0);
    const train = await ntuDataset({ paths: [ntuSamplesDir], benchmark: 'ntu60-xview', part: 'train', frames: 32 });
    expect(train.size).toBe(1); // camera 3 only
    const [sample] = await train.toArray();
    expect([sample!.name, sample!.label, sample!.frames, Array.from(sample!.personMask)]).toEqual(['S001C003P008R002A058', 57, 32, [1, 1]]);
  });

  it('packs a folder past bad files and reports them; strict stops at the first', async () => {
    const folder = join(dir, 'mixed');
    rmSync(folder, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    copyFileSync(realSamplePath('S001C001P001R001A001'), join(folder, 'S001C001P001R001A001.skeleton'));
    writeFileSync(join(folder, 'S001C001P002R001A002.skeleton'), '5\n1\n');
    copyFileSync(realSamplePath('S001C001P001R001A011'), join(folder, 'S001C001P003R001A011.skeleton'));
    const files = await listSkeletonFiles([folder]);
    const outcomes = [];
    for await (const o of packSkeletonFiles(files, { frames: 300, transform: false })) outcomes.push(o);
    expect(outcomes.map((o) => ('sample' in o ? 'ok' : 'error' in o ? o.error.message : 'skipped'))).toEqual([
      'ok',
      expect.stringMatching(/S001C001P002R001A002.skeleton:1: expected a frame count that fits the file/),
      'ok',
    ]);
    const strict = async () => {
      for await (const o of packSkeletonFiles(files, { strict: true })) void o;
    };
    await expect(strict()).rejects.toThrow(/S001C001P002R001A002.skeleton:1:/);
  });

  it.each(['ntu25-2d', 'coco17'] as const)('packs each file for the %s layout: the colour fields read, the 2D packer applied', async (layout) => {
    const path = realSamplePath('S001C003P008R002A058');
    const outcomes = [];
    for await (const o of packSkeletonFiles([path], { frames: 16, layout })) outcomes.push(o);
    const packed = outcomes[0]!;
    if (!('sample' in packed)) throw new Error(`not packed: ${JSON.stringify(packed)}`);
    const direct = packSkeleton2d(await readSkeletonFile(path, { fields: 'all' }), { layout, frames: 16 });
    expect([packed.sample.joints, packed.sample.channels]).toEqual([layout === 'coco17' ? 17 : 25, 3]);
    expect(packed.sample.data).toEqual(direct.data);
    expect(Array.from(packed.sample.personMask)).toEqual([1, 1]);
    // Image-normalized coordinates, not metres around the spine.
    expect(Math.max(...packed.sample.data.map(Math.abs))).toBeLessThanOrEqual(1);
    expect(packed.sample.data.some((v) => Math.abs(v) > 0.2)).toBe(true);
  });
});
