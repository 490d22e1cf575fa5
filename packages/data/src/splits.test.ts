import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  actionLabel, formatSampleName, isSampleName, ntu120XsubTrainSubjects, parseMissingSkeletonList, parseSampleName,
  sampleNameOf, selectSplit, splitOf, xsetTrainSetups, xsubTrainSubjects, xviewTrainCameras,
} from './index.js';
import { readMissingSkeletonList } from './node/index.js';
import { ntuSamplesDir } from './test-support/ntu-samples.js';

describe('sample names', () => {
  it('parses SsssCcccPpppRrrrAaaa, also inside a path', () => {
    expect(parseSampleName('S001C003P008R002A058')).toEqual({ setup: 1, camera: 3, performer: 8, replication: 2, action: 58 });
    expect(sampleNameOf('/data/nturgbd/S017C002P040R001A120.skeleton')).toBe('S017C002P040R001A120');
    expect(actionLabel('S001C001P001R001A001.skeleton')).toBe(0);
    expect(formatSampleName({ setup: 32, camera: 1, performer: 106, replication: 2, action: 120 })).toBe('S032C001P106R002A120');
    expect(isSampleName('S001C001P001R001A01')).toBe(false);
    expect(() => parseSampleName('hello.skeleton')).toThrow(/'hello.skeleton': expected an NTU sample name/);
  });
});

describe('the standard splits (protocol.md)', () => {
  it('has the official ID lists', () => {
    expect(xsubTrainSubjects).toEqual([1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38]);
    expect(ntu120XsubTrainSubjects).toHaveLength(53);
    expect(xviewTrainCameras).toEqual([2, 3]);
    expect(xsetTrainSetups).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32]);
  });

  it('puts samples in their halves', () => {
    expect(splitOf('S001C001P001R001A001', 'ntu60-xsub')).toBe('train');
    expect(splitOf('S001C001P003R001A001', 'ntu60-xsub')).toBe('test');
    expect(splitOf('S001C001P001R001A001', 'ntu60-xview')).toBe('test');
    expect(splitOf('S001C003P008R002A058', 'ntu60-xview')).toBe('train');
    expect(splitOf('S018C001P045R001A061', 'ntu120-xsub')).toBe('train');
    expect(splitOf('S018C001P044R001A061', 'ntu120-xsub')).toBe('test');
    expect(splitOf('S018C001P044R001A061', 'ntu120-xset')).toBe('train');
    expect(splitOf('S017C001P044R001A061', 'ntu120-xset')).toBe('test');
    expect(splitOf('S018C001P001R001A001', 'ntu60-xsub')).toBeNull(); // NTU-120 setup
    // 1-106 split 53 / 53
    const halves = Array.from({ length: 106 }, (_, p) => splitOf({ setup: 1, camera: 1, performer: p + 1, replication: 1, action: 1 }, 'ntu120-xsub'));
    expect(halves.filter((h) => h === 'train')).toHaveLength(53);
  });

  it('reads the authors\' missing-skeleton lists (302 and 535 names) and leaves those samples out', async () => {
    const ntu60 = await readMissingSkeletonList(join(ntuSamplesDir, 'NTU_RGBD_samples_with_missing_skeletons.txt'));
    const ntu120 = await readMissingSkeletonList(join(ntuSamplesDir, 'NTU_RGBD120_samples_with_missing_skeletons.txt'));
    expect(ntu60.size).toBe(302);
    expect(ntu120.size).toBe(535);
    expect(ntu60.has('S001C002P005R002A008')).toBe(true);
    const names = ['S001C002P005R002A008', 'S001C002P001R002A008', 'S001C002P003R002A008'];
    expect(selectSplit(names, 'ntu60-xsub', 'train', { missingSkeletons: ntu60 })).toEqual(['S001C002P001R002A008']);
    expect(selectSplit(names, 'ntu60-xsub', 'train', { missingSkeletons: new Set() })).toEqual(['S001C002P005R002A008', 'S001C002P001R002A008']);
    expect(() => parseMissingSkeletonList('no names here', 'list.txt')).toThrow(/list.txt: expected a list of sample names/);
  });
});
