import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';

/** A tiny run: 3 synthetic classes, 16 frames, batch 8, one epoch, wasm in this thread. */
const TINY = ['--classes', '3', '--per-class', '12', '--frames', '16', '--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1'];

let root: string;
let run: string;
let trained: { code: number; io: ReturnType<typeof captureIO> };
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-layout-'));
  run = join(root, 'run');
  const io = captureIO({ isTTY: false });
  trained = { code: await main(['train', ...TINY, '--layout', 'coco17', '--augment', 'scale', '--out', run], io), io };
}, 180_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('train and eval on the coco17 layout', () => {
  it('trains on the COCO-17 projection of the synthetic set and records the layout', async () => {
    expect(trained.io.stderr).toEqual([]);
    expect(trained.code).toBe(0);
    expect(trained.io.stdout.join('\n')).toMatch(/^data: synthetic NTU-like .*, coco17 layout/m);
    const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ layout: 'coco17', augment: ['scale'], frames: 16 });
  });

  it("eval rebuilds the coco17 model, takes the run's layout and reports accuracy", async () => {
    const io = captureIO({ isTTY: false });
    const json = join(root, 'eval.json');
    expect(await main(['eval', run, '--backend', 'wasm', '--json', json], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^model: seed-cnn .*"layout":"coco17"/m);
    expect(text).toMatch(/^data: synthetic NTU-like .*, coco17 layout/m);
    expect(text).toMatch(/^test \(eval mode\): top-1 \d+\.\d%, top-5 .* on \d+ samples/m);
    const results = JSON.parse(await readFile(json, 'utf8')).results;
    expect(results.test.count).toBeGreaterThan(0);
    expect(results.test.top1).toBeGreaterThanOrEqual(0);
    expect(results.test.top1).toBeLessThanOrEqual(1);
  }, 120_000);

  it('stgcn trains on coco17, ctrgcn and hcn on ntu25-2d, with the bone stream, and eval takes their layouts', async () => {
    for (const [layout, model] of [['coco17', 'stgcn'], ['ntu25-2d', 'ctrgcn'], ['ntu25-2d', 'hcn']] as const) {
      const out = join(root, `${model}-${layout}`);
      const io = captureIO({ isTTY: false });
      expect(await main(['train', ...TINY, '--layout', layout, '--model', model, '--stream', 'bone', '--out', out], io)).toBe(0);
      expect(io.stderr).toEqual([]);
      expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8'))).toMatchObject({ layout, model, stream: 'bone' });
      const evalIO = captureIO({ isTTY: false });
      expect(await main(['eval', out, '--backend', 'wasm'], evalIO)).toBe(0);
      const text = evalIO.stdout.join('\n');
      expect(text).toMatch(new RegExp(`^model: ${model} .*"layout":"${layout}"`, 'm'));
      expect(text).toMatch(/^test \(eval mode\): top-1 \d+\.\d%, top-5 .* on \d+ samples/m);
    }
  }, 240_000);

  it('eval refuses --coords camera on a 2D run', async () => {
    const io2 = captureIO({ isTTY: false });
    expect(await main(['eval', run, '--backend', 'wasm', '--coords', 'camera'], io2)).toBe(2);
    expect(io2.stderr.join('\n')).toMatch(/--coords camera keeps Kinect's 3D camera coordinates; --layout coco17 is 2D/);
  }, 60_000);

  it('train refuses --coords camera and --augment rotate with a 2D layout', async () => {
    const refused = async (args: string[], base = TINY) => {
      const io = captureIO({ isTTY: false });
      expect(await main(['train', ...base, ...args, '--out', join(root, 'never')], io)).toBe(2);
      return io.stderr.join('\n');
    };
    expect(await refused(['--layout', 'coco17', '--coords', 'camera'])).toMatch(/--coords camera keeps Kinect's 3D camera coordinates/);
    expect(await refused(['--layout', 'coco17', '--augment', 'rotate,scale'])).toMatch(/--augment rotate is a 3D rotation; --layout coco17 is 2D/);
  });
});
