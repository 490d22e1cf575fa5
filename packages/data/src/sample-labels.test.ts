import { describe, expect, it } from 'vitest';
import { actionLabel, checkSampleLabels } from './index.js';

const named = (labels: unknown[]) => labels.map((label, i) => ({ name: `S001C001P001R001A${String(i + 1).padStart(3, '0')}`, label }));

describe('checkSampleLabels', () => {
  it('returns the class count of good labels', () => {
    expect(checkSampleLabels(named([0, 2, 1]), 'x')).toBe(3);
    expect(checkSampleLabels([{ name: 'mine-1', label: 999 }], 'custom.json')).toBe(1000);
  });

  it.each([
    [-1, /label -1 is not a class index \(expected an integer >= 0\)/],
    [2.5, /label 2\.5 is not a class index/],
    [null, /label null is not a class index/],
    ['3', /label "3" is not a class index/],
    [999, /label 999 is beyond the 120 classes of NTU RGB\+D 120 \(expected 0-119\)/],
  ])('names the file and sample of label %j', (bad, message) => {
    expect(() => checkSampleLabels(named([0, bad]), 'pack/samples.json')).toThrow(new RegExp(`pack/samples\\.json: sample 1 \\(S001C001P001R001A002\\): ${message.source}`));
  });

  it('holds labels to a given class count', () => {
    expect(() => checkSampleLabels(named([0, 5]), 'cache.bin', { maxClasses: 5 })).toThrow(/label 5 is beyond the 5 classes expected \(expected 0-4\)/);
  });
});

describe('NTU names outside the data set', () => {
  it.each([
    ['S001C001P001R001A000', /action A000 is outside NTU RGB\+D's A001-A120/],
    ['S001C001P001R001A999', /action A999 is outside NTU RGB\+D's A001-A120/],
    ['S001C004P001R001A001', /camera C004 is outside NTU RGB\+D's C001-C003/],
    ['S000C001P001R001A001', /setup S000 is outside/],
  ])('%s is refused instead of packing to a label of -1 or 998', (name, message) => {
    expect(() => actionLabel(`${name}.skeleton`)).toThrow(message);
  });
});
