import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-data-'));
  const io = captureIO();
  expect(await main(['synth', '--out', join(root, 'skeletons'), '--classes', '3', '--per-class', '12'], io)).toBe(0);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const RUN = ['--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1'];

describe('skelnorm train --data', () => {
  it('trains on a `skelnorm pack` export, taking T from the data', async () => {
    const pack = join(root, 'packed');
    expect(await main(['pack', join(root, 'skeletons'), '--out', pack, '--frames', '16', '--no-missing'], captureIO())).toBe(0);
    const io = captureIO();
    const out = join(root, 'run-npy');
    expect(await main(['train', ...RUN, '--data', pack, '--out', out], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^data: .*packed \(data\.npy \(36, 3, 16, 25, 2\) \+ samples\.json\): \d+ train \/ \d+ test \(ntu60-xsub\)$/m);
    expect(text).toMatch(/the samples have T=16 frames/);
    expect(text).toMatch(/^final eval accuracy:/m);
    expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8'))).toMatchObject({ frames: 16, data: { kind: 'dir', path: pack } });
  });

  it('trains on a folder of .skeleton files', async () => {
    const io = captureIO();
    expect(await main(['train', ...RUN, '--frames', '16', '--data', join(root, 'skeletons'), '--out', join(root, 'run-skel')], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^data: .*skeletons \(36 \.skeleton files\): \d+ train \/ \d+ test/m);
    // NTU files: the report names classes as the dataset does.
    const evalIO = captureIO();
    expect(await main(['eval', join(root, 'run-skel'), '--backend', 'wasm'], evalIO)).toBe(0);
    expect(evalIO.stdout.join('\n')).toMatch(/^hardest classes: A0\d\d [a-z]/m);
  });

  it('--coords camera keeps the Kinect camera coordinates of .skeleton files, and refuses data packed with its own preprocessing', async () => {
    const io = captureIO();
    const out = join(root, 'run-camera');
    expect(await main(['train', ...RUN, '--frames', '16', '--coords', 'camera', '--data', join(root, 'skeletons'), '--out', out], io)).toBe(0);
    expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8'))).toMatchObject({ coords: 'camera' });
    expect(io.stdout.join('\n')).toMatch(/^data: .*skeletons .*, camera coordinates$/m);

    const refused = captureIO();
    expect(await main(['train', ...RUN, '--coords', 'camera', '--data', join(root, 'packed'), '--out', join(root, 'run-refused')], refused)).toBe(2);
    expect(refused.stderr.join('\n')).toMatch(/packed.*: a pack export holds samples already packed with their own preprocessing; --coords applies to \.skeleton files and the synthetic set/);
  });

  it('eval and doctor refuse data with labels the model has no output for, naming both', async () => {
    const run = join(root, 'run-3-classes');
    expect(await main(['train', ...RUN, '--classes', '3', '--per-class', '6', '--frames', '16', '--out', run], captureIO())).toBe(0);
    const more = join(root, 'skeletons-6-classes');
    expect(await main(['synth', '--out', more, '--classes', '6', '--per-class', '4'], captureIO())).toBe(0);
    for (const command of ['eval', 'doctor']) {
      const io = captureIO();
      expect(await main([command, run, '--backend', 'wasm', '--data', more], io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(/the data \(.*skeletons.*\) has labels up to \d+ \(sample S\d{3}C\d{3}P\d{3}R\d{3}A\d{3}\), but the model .*run-3-classes.*\.safetensors outputs 3 classes \[0, 3\)/);
    }
  });

  it.each([
    [-1, /label -1 is not a class index/],
    [2.5, /label 2\.5 is not a class index/],
    [null, /label null is not a class index/],
    [999, /label 999 is beyond the 120 classes of NTU RGB\+D 120/],
  ])('refuses a pack export with label %j before training, naming samples.json and the sample', async (bad, message) => {
    const pack = join(root, `packed-bad-${String(bad)}`);
    expect(await main(['pack', join(root, 'skeletons'), '--out', pack, '--frames', '16', '--no-missing'], captureIO())).toBe(0);
    const listPath = join(pack, 'samples.json');
    const list = JSON.parse(await readFile(listPath, 'utf8'));
    list.label[5] = bad;
    await writeFile(listPath, JSON.stringify(list));
    const io = captureIO();
    expect(await main(['train', ...RUN, '--data', pack, '--out', join(pack, 'run')], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(new RegExp(`samples\\.json: sample 5 \\(S\\d{3}C\\d{3}P\\d{3}R\\d{3}A\\d{3}\\): ${message.source}`));
  });

  it('refuses a pack export whose data.npy holds a non-finite coordinate, naming the sample', async () => {
    const pack = join(root, 'packed-inf');
    expect(await main(['pack', join(root, 'skeletons'), '--out', pack, '--frames', '16', '--no-missing'], captureIO())).toBe(0);
    const path = join(pack, 'data.npy');
    const bytes = new Uint8Array(await readFile(path));
    const headerEnd = 10 + (bytes[8]! | (bytes[9]! << 8));
    const size = 3 * 16 * 25 * 2;
    new DataView(bytes.buffer).setFloat32(headerEnd + 4 * (2 * size + 7), Infinity, true);
    await writeFile(path, bytes);
    const io = captureIO();
    expect(await main(['train', ...RUN, '--data', pack, '--out', join(root, 'run-inf')], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/data\.npy: sample 2 \(S\d{3}C\d{3}P\d{3}R\d{3}A\d{3}\) holds Infinity at flat index \d+; coordinates must be finite/);
  });

  it('refuses a data.npy and samples.json that do not belong together', async () => {
    const pack = join(root, 'packed-mixed');
    expect(await main(['pack', join(root, 'skeletons'), '--out', pack, '--frames', '16', '--no-missing'], captureIO())).toBe(0);
    const listPath = join(pack, 'samples.json');
    const list = JSON.parse(await readFile(listPath, 'utf8'));
    list.shape[2] = 32;
    await writeFile(listPath, JSON.stringify(list));
    const io = captureIO();
    expect(await main(['train', ...RUN, '--data', pack, '--out', join(root, 'run-mixed')], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/samples\.json describes data of shape \(36, 3, 32, 25, 2\) but .*data\.npy is \(36, 3, 16, 25, 2\): the two files do not belong together/);
    // The refused run leaves no folder behind: the corrected command may use the same --out.
    expect(existsSync(join(root, 'run-mixed'))).toBe(false);
    expect(await main(['train', ...RUN, '--data', join(root, 'skeletons'), '--frames', '16', '--out', join(root, 'run-mixed')], captureIO())).toBe(0);
  });

  it('takes a folder of .skeleton files as such even with a stray .bin file and a .cache/ folder in it', async () => {
    const folder = join(root, 'skeletons-with-strays');
    await cp(join(root, 'skeletons'), folder, { recursive: true });
    await writeFile(join(folder, 'notes.bin'), 'not a cache');
    await mkdir(join(folder, '.cache'));
    const io = captureIO();
    expect(await main(['train', ...RUN, '--frames', '16', '--data', folder, '--out', join(root, 'run-strays')], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^data: .*skeletons-with-strays \(36 \.skeleton files\)/m);

    const junk = join(root, 'only-junk');
    await mkdir(join(junk, 'x.cache'), { recursive: true });
    await writeFile(join(junk, 'data.bin'), 'random bytes');
    const refused = captureIO();
    expect(await main(['train', ...RUN, '--data', junk, '--out', join(root, 'run-junk')], refused)).toBe(2);
    expect(refused.stderr.join('\n')).toMatch(/--data .*only-junk: no \.skeleton files, no sample cache \(a \.skcache\/\.cache\/\.bin file starting with SKNCACHE\) and no data\.npy \+ samples\.json found/);
  });

  it('trains on a `pack --bodies 1` export, taking M from the data', async () => {
    const pack = join(root, 'packed-one-body');
    expect(await main(['pack', join(root, 'skeletons'), '--out', pack, '--frames', '16', '--bodies', '1', '--no-missing'], captureIO())).toBe(0);
    const io = captureIO();
    const out = join(root, 'run-one-body');
    expect(await main(['train', ...RUN, '--data', pack, '--out', out], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^data: the samples have M=1 person slot; the model is built for that$/m);
    expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8')).modelOptions).toMatchObject({ persons: 1 });
    const evalIO = captureIO();
    expect(await main(['eval', out, '--backend', 'wasm'], evalIO)).toBe(0);
  });
});
