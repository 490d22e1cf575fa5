import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';
import { writePlainStateDict } from '../test-support/plain-state-dict.js';
import { resolveCheckpointPath } from '../training/model-file.js';

// Other projects' preprocessed NTU data, made by numpy and pickle themselves (Debian's
// python3-numpy, installed by `.ci/run`): a missing numpy fails these tests, never skips them.
const python = '/usr/bin/python3';

/**
 * Tiny data of 3 classes that a seed CNN learns a little in one epoch: per class a fixed pose plus
 * noise, T = 16. ST-GCN: `train_`/`val_data_joint.npy` (N, 3, T, 25, 2) + `_label.pkl` (and in
 * `coco17/` the same with V = 17, as a 2D pose estimator's keypoints come); CTR-GCN:
 * `data.npz` with x (N, T, 150) and one-hot y (N, 3), the same samples in its layout.
 */
const SCRIPT = `
import os, pickle, sys, numpy as np
root = sys.argv[1]
rng = np.random.default_rng(5)
poses = rng.standard_normal((3, 3, 1, 25, 1)).astype(np.float32)
def split(n, first):
    labels = [i % 3 for i in range(n)]
    data = np.concatenate([poses[l] + 0.1 * rng.standard_normal((3, 16, 25, 2)).astype(np.float32) for l in labels]).reshape(n, 3, 16, 25, 2)
    data[:, :, :, :, 1] = 0
    names = ['S001C001P%03dR001A%03d.skeleton' % (first + i, labels[i] + 1) for i in range(n)]
    return data.astype(np.float32), names, labels
os.makedirs(root + '/stgcn')
os.makedirs(root + '/coco17')
for part, n, first in (('train', 24, 1), ('val', 12, 50)):
    data, names, labels = split(n, first)
    np.save('%s/stgcn/%s_data_joint.npy' % (root, part), data)
    np.save('%s/coco17/%s_data_joint.npy' % (root, part), np.ascontiguousarray(data[:, :, :, :17]))
    for folder in ('stgcn', 'coco17'):
        with open('%s/%s/%s_label.pkl' % (root, folder, part), 'wb') as f:
            pickle.dump((names, list(labels)), f)
    if part == 'train': x_train, y_train = data.transpose(0, 2, 4, 3, 1).reshape(n, 16, 150), np.eye(3)[labels]
    else: x_test, y_test = data.transpose(0, 2, 4, 3, 1).reshape(n, 16, 150), np.eye(3)[labels]
np.savez(root + '/data.npz', x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
`;

const RUN = ['--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1'];

let root: string;
beforeAll(async () => {
  expect(existsSync(python), `${python} is needed (apt-get install python3-numpy)`).toBe(true);
  root = await mkdtemp(join(tmpdir(), 'skelnorm-formats-'));
  execFileSync(python, ['-c', SCRIPT, root]);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('skelnorm train/eval --data with ST-GCN and CTR-GCN data', () => {
  it("trains on an ST-GCN folder with the files' split, and evaluates on a CTR-GCN .npz and on one ST-GCN file", async () => {
    const run = join(root, 'run-stgcn');
    const io = captureIO();
    expect(await main(['train', ...RUN, '--data', join(root, 'stgcn'), '--out', run], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(
      /^data: .*stgcn \(ST-GCN train_data_joint\.npy \(24, 3, 16, 25, 2\) \+ train_label\.pkl, val_data_joint\.npy \(12, 3, 16, 25, 2\) \+ val_label\.pkl\): 24 train \/ 12 test \(the files' split\)$/m,
    );
    expect(text).toMatch(/the samples have T=16 frames/);
    expect(text).toMatch(/^final eval accuracy:/m);
    expect(JSON.parse(await readFile(join(run, 'config.json'), 'utf8'))).toMatchObject({ frames: 16, data: { kind: 'dir', path: join(root, 'stgcn') } });

    // The run's recorded data, read again.
    const again = captureIO();
    expect(await main(['eval', run, '--backend', 'wasm'], again)).toBe(0);
    expect(again.stdout.join('\n')).toMatch(/^test \(eval mode\): top-1 [\d.]+%, top-5 [\d.]+%, loss [\d.]+ on 12 samples$/m);
    // NTU sample names whose action is the label: the classes are named as the dataset names them.
    expect(again.stdout.join('\n')).toMatch(/^hardest classes: A00[123] [a-z]/m);

    // The same samples in CTR-GCN's layout give the same accuracy: the two readers agree on the layout.
    const npz = captureIO();
    expect(await main(['eval', run, '--backend', 'wasm', '--data', join(root, 'data.npz')], npz)).toBe(0);
    expect(npz.stdout.join('\n')).toMatch(/^data: .*data\.npz \(CTR-GCN x_train \(24, 16, 150\), y_train \(24, 3\), x_test \(12, 16, 150\), y_test \(12, 3\)\): 24 train \/ 12 test \(the files' split\)$/m);
    expect(npz.stdout.join('\n')).toMatch(/^hardest classes: [012] \d/m); // x_test[i] has no action to name
    const top1 = (lines: string[]) => lines.find((l) => l.startsWith('test (eval mode)'))!.replace(/, loss [\d.]+/, '');
    expect(top1(npz.stdout)).toBe(top1(again.stdout));

    const single = captureIO();
    expect(await main(['eval', run, '--backend', 'wasm', '--data', join(root, 'stgcn', 'val_data_joint.npy')], single)).toBe(0);
    expect(single.stdout.join('\n')).toMatch(/^data: .*val_data_joint\.npy \(ST-GCN val_data_joint\.npy \(12, 3, 16, 25, 2\) \+ val_label\.pkl \(one file: the same samples for train and test\)\): 12 train \/ 12 test \(the same samples\)$/m);
    expect(single.stderr.join('\n')).toMatch(/val_data_joint\.npy is one split; it serves as both train and test/);
    expect(top1(single.stdout)).toBe(top1(again.stdout));
  }, 120_000);

  it('trains on a CTR-GCN .npz (a file, or the one in a folder)', async () => {
    const io = captureIO();
    expect(await main(['train', ...RUN, '--data', join(root, 'data.npz'), '--out', join(root, 'run-npz')], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^data: .*data\.npz \(CTR-GCN .*\): 24 train \/ 12 test \(the files' split\)$/m);
    expect(await readdir(join(root, 'run-npz'))).toContain('config.json');
  }, 120_000);

  it('refuses --coords camera for data packed with its own preprocessing, writing nothing', async () => {
    for (const data of [join(root, 'data.npz'), join(root, 'stgcn')]) {
      const io = captureIO();
      const out = join(root, `run-camera-${data.endsWith('.npz') ? 'npz' : 'stgcn'}`);
      expect(await main(['train', ...RUN, '--coords', 'camera', '--data', data, '--out', out], io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(/(CTR-GCN|ST-GCN) data holds samples already packed with their own preprocessing/);
      // The run folder is claimed before the data is read: its empty folders may exist, no file.
      const files = existsSync(out) ? (await readdir(out, { recursive: true, withFileTypes: true })).filter((e) => !e.isDirectory()) : [];
      expect(files).toEqual([]);
    }
  });

  it('trains --layout coco17 on (N, 3, T, 17, M) keypoints and evaluates; without the layout it is refused, naming the one that fits', async () => {
    const run = join(root, 'run-coco17');
    const io = captureIO();
    expect(await main(['train', ...RUN, '--layout', 'coco17', '--data', join(root, 'coco17'), '--out', run], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^data: .*coco17 \(ST-GCN train_data_joint\.npy \(24, 3, 16, 17, 2\) \+ train_label\.pkl, .*: 24 train \/ 12 test/m);
    expect(JSON.parse(await readFile(join(run, 'config.json'), 'utf8'))).toMatchObject({ layout: 'coco17', data: { kind: 'dir' } });
    const evalIO = captureIO();
    expect(await main(['eval', run, '--backend', 'wasm'], evalIO)).toBe(0);
    expect(evalIO.stdout.join('\n')).toMatch(/^test \(eval mode\): top-1 \d+\.\d%, top-5 .* on 12 samples/m);

    // Stripped to a plain state dict, the shapes say coco17 (fc1's 512 columns fit 17 joints only).
    const plain = join(root, 'coco17.safetensors');
    await writePlainStateDict(await resolveCheckpointPath(run), plain);
    const plainIO = captureIO();
    expect(await main(['eval', plain, '--backend', 'wasm', '--data', join(root, 'coco17')], plainIO)).toBe(0);
    expect(plainIO.stdout.join('\n')).toMatch(/layout 'coco17' \('fc1\.0\.weight' shows V=17\)/);
    expect(plainIO.stdout.join('\n')).toMatch(/^test \(eval mode\): top-1 \d+\.\d%, top-5 .* on 12 samples/m);
    expect(plainIO.stdout.find((l) => l.startsWith('test (eval mode)'))).toBe(evalIO.stdout.find((l) => l.startsWith('test (eval mode)')));
    // train --init takes the file's layout for its data (before, it kept the ntu25 default and failed on V).
    const again = join(root, 'run-coco17-init');
    const initIO = captureIO();
    expect(await main(['train', ...RUN, '--init', plain, '--data', join(root, 'coco17'), '--out', again], initIO), initIO.text()).toBe(0);
    expect(JSON.parse(await readFile(join(again, 'config.json'), 'utf8'))).toMatchObject({ layout: 'coco17', init: plain });
    const hint = captureIO();
    expect(await main(['eval', plain, '--backend', 'wasm', '--data', join(root, 'coco17'), '--layout', 'ntu25-2d'], hint)).not.toBe(0);
    expect(hint.stderr.join('\n')).toMatch(/coco17\.safetensors: 'fc1\.0\.weight' shows V=17 joints; layout ntu25-2d has 25/);

    const refused = captureIO();
    expect(await main(['train', ...RUN, '--data', join(root, 'coco17'), '--out', join(root, 'never')], refused)).toBe(2);
    expect(refused.stderr.join('\n')).toMatch(/--data .*coco17: sample S001C001P001R001A001\.skeleton has V=17, C=3; layout ntu25 expects V=25 .*; give --layout coco17/);
    const wrong = captureIO();
    expect(await main(['train', ...RUN, '--layout', 'ntu25-2d', '--data', join(root, 'coco17'), '--out', join(root, 'never')], wrong)).toBe(2);
    expect(wrong.stderr.join('\n')).toMatch(/layout ntu25-2d expects V=25 .*; give --layout coco17/);
  }, 120_000);
});
