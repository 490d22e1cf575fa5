import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NtuJoint as J } from '@skelnorm/data';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';
import { loadTrainingData } from './load-training-data.js';

/** A tiny run: 3 synthetic classes, 16 frames, batch 8, one epoch, wasm in this thread. */
const TINY = ['--classes', '3', '--per-class', '12', '--frames', '16', '--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1'];

let root: string | undefined;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the ntu25-live layout in training', () => {
  it('loads the synthetic set with the live synthesis (spine base = mid-hips), camera coordinates allowed', async () => {
    const base = { data: { kind: 'synthetic', classes: 3, perClass: 8, seed: 0 }, split: 'ntu60-xsub', frames: 16, layout: 'ntu25-live' } as const;
    for (const data of [await loadTrainingData(base), await loadTrainingData({ ...base, coords: 'camera' })]) {
      expect(data.description).toMatch(/ntu25-live layout/);
      const s = data.train[0]!;
      expect([s.joints, s.channels]).toEqual([25, 3]);
      for (let c = 0; c < 3; c++) {
        const at = (j: number) => s.data[j * 3 + c]!;
        expect(at(J.spineBase)).toBeCloseTo((at(J.leftHip) + at(J.rightHip)) / 2, 5);
      }
    }
  });

  it('skelnorm train --layout ntu25-live trains the seed CNN (3D: --augment rotate allowed) and eval takes the layout', async () => {
    root = await mkdtemp(join(tmpdir(), 'skelnorm-live-'));
    const run = join(root, 'run');
    const io = captureIO({ isTTY: false });
    expect(await main(['train', ...TINY, '--layout', 'ntu25-live', '--augment', 'rotate', '--out', run], io)).toBe(0);
    expect(io.stderr).toEqual([]);
    expect(io.stdout.join('\n')).toMatch(/^data: synthetic NTU-like .*, ntu25-live layout/m);
    expect(JSON.parse(await readFile(join(run, 'config.json'), 'utf8'))).toMatchObject({ layout: 'ntu25-live', frames: 16 });
    const evalIO = captureIO({ isTTY: false });
    expect(await main(['eval', run, '--backend', 'wasm'], evalIO)).toBe(0);
    const text = evalIO.stdout.join('\n');
    expect(text).toMatch(/^model: seed-cnn .*"layout":"ntu25-live"/m);
    expect(text).toMatch(/^test \(eval mode\): top-1 \d+\.\d%/m);
  }, 240_000);

  it('--data: .skeleton files are packed with the live synthesis; samples packed elsewhere are refused, saying why', async () => {
    root ??= await mkdtemp(join(tmpdir(), 'skelnorm-live-'));
    const files = join(root, 'files');
    const pack = join(root, 'pack');
    expect(await main(['synth', '--out', files, '--classes', '3', '--per-class', '8'], captureIO())).toBe(0);
    expect(await main(['pack', files, '--out', pack, '--frames', '16', '--no-missing'], captureIO())).toBe(0);
    const data = await loadTrainingData({ data: { kind: 'dir', path: files }, split: 'ntu60-xsub', frames: 16, layout: 'ntu25-live' });
    const s = data.train[0]!;
    for (let c = 0; c < 3; c++) {
      const at = (j: number) => s.data[j * 3 + c]!;
      expect(at(J.spineShoulder)).toBeCloseTo((at(J.leftShoulder) + at(J.rightShoulder)) / 2, 5);
    }
    const io = captureIO({ isTTY: false });
    expect(await main(['train', '--frames', '16', '--epochs', '1', '--backend', 'wasm', '--workers', '1', '--layout', 'ntu25-live', '--data', pack, '--out', join(root, 'never')], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--data .*pack: a pack export holds samples already packed with their own preprocessing; --layout ntu25-live synthesises the joints a pose estimator lacks before centring, from \.skeleton files or the synthetic set/);
  }, 120_000);
});
