import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStgcnJointData } from './index.js';

// ST-GCN data made by numpy and pickle themselves (Debian's python3-numpy, installed by `.ci/run`):
// a missing numpy fails these tests, never skips them.
const python = '/usr/bin/python3';
const root = mkdtempSync(join(tmpdir(), 'skelnorm-stgcn-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * Writes `<split>_data_joint.npy` (float32 (N, 3, T, 25, M), the last 2 frames zero padding, as
 * ntu_gendata.py pads to 300) and `<split>_label.pkl` per split, and, as the reference for our
 * layout conversion, `<split>_expected.bin`: numpy's own transpose to (N, M, T, V, C).
 */
function writeStgcn(folder: string, splits: Record<string, { n: number; protocol?: number }>, edit = ''): string {
  expect(existsSync(python), `${python} is needed (apt-get install python3-numpy)`).toBe(true);
  mkdirSync(folder, { recursive: true });
  const script = `
import pickle, sys, numpy as np
folder, T, M = sys.argv[1], 6, 2
rng = np.random.default_rng(7)
splits = ${JSON.stringify(splits)}
for k, (split, spec) in enumerate(splits.items()):
    n = spec['n']
    data = rng.standard_normal((n, 3, T, 25, M)).astype(np.float32)
    data[:, :, T - 2:] = 0
    data[0, :, :, :, 1] = 0  # a one-person sample: its second slot is empty
    names = ['S001C00%dP%03dR001A%03d.skeleton' % (k + 1, i + 1, i % 60 + 1) for i in range(n)]
    labels = [i % 60 for i in range(n)]
${edit.replace(/^/gm, '    ')}
    np.save('%s/%s_data_joint.npy' % (folder, split), data)
    with open('%s/%s_label.pkl' % (folder, split), 'wb') as f:
        pickle.dump((names, list(labels)), f, protocol=spec.get('protocol', 4))
    np.ascontiguousarray(data.transpose(0, 4, 2, 3, 1)).tofile('%s/%s_expected.bin' % (folder, split))
`;
  execFileSync(python, ['-c', script, folder]);
  return folder;
}

const expected = (folder: string, split: string) => new Float32Array(readFileSync(join(folder, `${split}_expected.bin`)).buffer.slice(0));

describe('readStgcnJointData', () => {
  it.each([2, 3, 4, 5])('reads a train/val folder (label pickles at protocol %i) into [M, T, V, C] samples, numpy transposing the same way', async (protocol) => {
    const folder = writeStgcn(join(root, `pair-${protocol}`), { train: { n: 5, protocol }, val: { n: 3, protocol } });
    const set = await readStgcnJointData(folder);
    expect(set.sameSamplesForTrainAndTest).toBe(false);
    expect(set.train.map((s) => s.name)).toEqual(['S001C001P001R001A001.skeleton', 'S001C001P002R001A002.skeleton', 'S001C001P003R001A003.skeleton', 'S001C001P004R001A004.skeleton', 'S001C001P005R001A005.skeleton']);
    expect(set.test.map((s) => s.label)).toEqual([0, 1, 2]);
    expect(set.numClasses).toBe(5);
    for (const [split, samples] of [['train', set.train], ['val', set.test]] as const) {
      const all = expected(folder, split);
      samples.forEach((s, i) => {
        expect([s.persons, s.frames, s.joints, s.channels]).toEqual([2, 6, 25, 3]);
        expect(s.data).toEqual(all.subarray(i * s.data.length, (i + 1) * s.data.length));
        expect(s.validFrames).toBe(4); // the two zero frames at the end are padding
        expect(Array.from(s.personMask)).toEqual(i === 0 ? [1, 0] : [1, 1]);
      });
    }
    expect(set.description).toBe('ST-GCN train_data_joint.npy (5, 3, 6, 25, 2) + train_label.pkl, val_data_joint.npy (3, 3, 6, 25, 2) + val_label.pkl');
  });

  it('reads one *_data_joint.npy (its label file beside it) as both splits, and st-gcn\'s own *_data.npy naming', async () => {
    const folder = writeStgcn(join(root, 'single'), { val: { n: 4 } });
    const set = await readStgcnJointData(join(folder, 'val_data_joint.npy'));
    expect(set.sameSamplesForTrainAndTest).toBe(true);
    expect(set.train).toBe(set.test);
    expect(set.train).toHaveLength(4);
    expect(set.description).toMatch(/one file: the same samples for train and test/);
    // A folder with a single data file is that file.
    expect((await readStgcnJointData(folder)).train).toHaveLength(4);

    const plain = writeStgcn(join(root, 'st-gcn-names'), { train: { n: 2 }, test: { n: 2 } });
    execFileSync('sh', ['-c', `cd ${plain} && mv train_data_joint.npy train_data.npy && mv test_data_joint.npy test_data.npy`]);
    const set2 = await readStgcnJointData(plain);
    expect([set2.train.length, set2.test.length]).toEqual([2, 2]);
  });

  it('reads COCO-17 keypoints (N, 3, T, 17, M) from a 2D pose estimator as V = 17 samples', async () => {
    const folder = writeStgcn(join(root, 'coco17'), { train: { n: 3 }, val: { n: 2 } }, 'data = np.ascontiguousarray(data[:, :, :, :17])');
    const set = await readStgcnJointData(folder);
    const all = expected(folder, 'train');
    expect(all.length).toBe(3 * 2 * 6 * 17 * 3);
    set.train.forEach((s, i) => {
      expect([s.persons, s.frames, s.joints, s.channels]).toEqual([2, 6, 17, 3]);
      expect(s.data).toEqual(all.subarray(i * s.data.length, (i + 1) * s.data.length));
    });
    expect(set.description).toBe('ST-GCN train_data_joint.npy (3, 3, 6, 17, 2) + train_label.pkl, val_data_joint.npy (2, 3, 6, 17, 2) + val_label.pkl');
  });

  const BAD: [string, Record<string, { n: number }>, string, (folder: string) => void, RegExp][] = [
    ['one label too few', { train: { n: 4 }, val: { n: 2 } }, "if split == 'train': names, labels = names[:3], labels[:3]", () => {}, /train_label\.pkl: 3 labels for the 4 samples of .*train_data_joint\.npy; expected one per sample/],
    ['a label beyond NTU\'s 120 classes', { train: { n: 4 }, val: { n: 2 } }, "if split == 'val': labels[1] = 120", () => {}, /val_label\.pkl: sample 1 \(S001C002P002R001A002\.skeleton\): label 120 is beyond the 120 classes/],
    ['a negative label', { train: { n: 4 }, val: { n: 2 } }, "if split == 'train': labels[2] = -1", () => {}, /train_label\.pkl: sample 2 .*label -1 is not a class index/],
    ['a repeated name', { train: { n: 4 }, val: { n: 2 } }, "if split == 'train': names[3] = names[1]", () => {}, /train_label\.pkl: sample_name\[3\] "S001C001P002R001A002\.skeleton" repeats sample_name\[1\]; expected unique names/],
    ['numpy int64 labels', { train: { n: 4 }, val: { n: 2 } }, "if split == 'train': labels = [np.int64(x) for x in labels]", () => {}, /train_label\.pkl: byte \d+: opcode STACK_GLOBAL \(a reference to the class numpy\._?core\.multiarray\.scalar\).*list\(map\(int, labels\)\)/],
    ['18 joints (OpenPose, no layout of ours)', { train: { n: 4 }, val: { n: 2 } }, "if split == 'train': data = data[:, :, :, :18]", () => {}, /train_data_joint\.npy: <f4 \(4, 3, 6, 18, 2\); expected float32 \(<f4, C order\) of shape \(N, 3, T, V, M\).* with V = 25 \(NTU joints.*\) or 17 \(COCO keypoints: x, y, score\)/],
    ['2 channels (x, y without a score)', { train: { n: 4 }, val: { n: 2 } }, "if split == 'val': data = data[:, :2]", () => {}, /val_data_joint\.npy: <f4 \(2, 2, 6, 25, 2\); expected float32 \(<f4, C order\) of shape \(N, 3, T, V, M\)/],
    ['float64 data', { train: { n: 4 }, val: { n: 2 } }, "if split == 'val': data = data.astype(np.float64)", () => {}, /val_data_joint\.npy: <f8 \(2, 3, 6, 25, 2\); expected float32/],
    ['a NaN coordinate', { train: { n: 4 }, val: { n: 2 } }, "if split == 'train': data[2, 1, 3, 4, 0] = np.nan", () => {}, /train_data_joint\.npy: sample 2 \(S001C001P003R001A003\.skeleton\) holds NaN at \(c=1, t=3, v=4, m=0\); coordinates must be finite/],
    ['splits of different T', { train: { n: 4 }, val: { n: 2 } }, "if split == 'val': data = data[:, :, :5]", () => {}, /val_data_joint\.npy: \(C, T, V, M\) = \(3, 5, 25, 2\) but .*train_data_joint\.npy has \(3, 6, 25, 2\); the two splits must have the same sample shape/],
    ['a truncated data file', { train: { n: 4 }, val: { n: 2 } }, '', (f) => truncateSync(join(f, 'train_data_joint.npy'), 5000), /train_data_joint\.npy: truncated: 5000 bytes, expected \d+ for float32 \(4, 3, 6, 25, 2\)/],
    ['a truncated label file', { train: { n: 4 }, val: { n: 2 } }, '', (f) => truncateSync(join(f, 'val_label.pkl'), 40), /val_label\.pkl: byte \d+: .*truncated/],
    ['no label file', { train: { n: 4 }, val: { n: 2 } }, '', (f) => rmSync(join(f, 'val_label.pkl')), /val_data_joint\.npy: its labels are expected in .*val_label\.pkl \(a pickle of \(sample_name, label\)/],
    ['train without val', { train: { n: 4 }, other: { n: 2 } }, '', () => {}, /ST-GCN data files other_data_joint\.npy, train_data_joint\.npy without a train_data_joint\.npy \+ val_data_joint\.npy pair/],
  ];
  it.each(BAD)('refuses %s, naming the file and what was expected', async (name, splits, edit, spoil, message) => {
    const folder = writeStgcn(join(root, `bad-${name.replace(/\W+/g, '-')}`), splits, edit);
    spoil(folder);
    await expect(readStgcnJointData(folder)).rejects.toThrow(message);
  });
});
