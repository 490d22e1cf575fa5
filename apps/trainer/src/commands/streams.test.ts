import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';

/** A tiny run: 3 synthetic classes, 16 frames, batch 8, one epoch, wasm in this thread. */
const TINY = ['--classes', '3', '--per-class', '12', '--frames', '16', '--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1'];
const RECIPE = ['--stream', 'bone', '--sampling', 'uniform', '--test-clips', '2', '--augment', 'rotate,scale'];

let root: string;
let run: string;
let trained: { code: number; io: ReturnType<typeof captureIO> };
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-streams-'));
  run = join(root, 'run');
  const io = captureIO({ isTTY: false });
  trained = { code: await main(['train', ...TINY, ...RECIPE, '--out', run], io), io };
}, 180_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('train and eval with a stream, uniform sampling and test clips', () => {
  it('records the recipe in the run', async () => {
    expect(trained.io.stderr).toEqual([]);
    expect(trained.code).toBe(0);
    expect(trained.io.stdout.join('\n')).toMatch(/^data: .*bone stream, uniform sampling, T=16 clips/m);
    const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ stream: 'bone', sampling: 'uniform', testClips: 2, augment: ['rotate', 'scale'], frames: 16 });
  });

  it('eval takes stream, sampling and clips from the run, and --scores averages the clips as evaluate does', async () => {
    const io = captureIO({ isTTY: false });
    const [json, scores] = [join(root, 'eval.json'), join(root, 'scores.json')];
    expect(await main(['eval', run, '--backend', 'wasm', '--json', json, '--scores', scores], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^data: .*bone stream, uniform sampling/m);
    expect(text).toMatch(/^test \(eval mode\): top-1 .* on \d+ samples \(2 clips each, logits averaged\)/m);
    const results = JSON.parse(await readFile(json, 'utf8')).results;
    const file = JSON.parse(await readFile(scores, 'utf8')) as { samples: { name: string; label: number; logits: number[] }[] };
    expect(file.samples).toHaveLength(results.test.count);
    const hits = file.samples.filter((s) => s.logits.indexOf(Math.max(...s.logits)) === s.label).length;
    expect(hits / file.samples.length).toBeCloseTo(results.test.top1, 6);
  }, 120_000);

  it("the doctor's test accuracy is eval's: the run's clips averaged", async () => {
    const evalIO = captureIO({ isTTY: false });
    expect(await main(['eval', run, '--backend', 'wasm'], evalIO)).toBe(0);
    const evalTop1 = /^test \(eval mode\): top-1 (\S+),/m.exec(evalIO.stdout.join('\n'))?.[1];
    const doctorIO = captureIO({ isTTY: false });
    expect(await main(['doctor', run, '--backend', 'wasm'], doctorIO)).toBe(0);
    const before = /^test accuracy before: (\S+) \(eval mode, 2 clips each;/m.exec(doctorIO.stdout.join('\n'))?.[1];
    expect(before).toBeDefined();
    expect(before).toBe(evalTop1);
  }, 120_000);

  it('refuses another stream or sampling than the run was trained with, naming both', async () => {
    const io = captureIO({ isTTY: false });
    expect(await main(['eval', run, '--backend', 'wasm', '--stream', 'joint'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--stream joint: .* was trained on the bone stream/);
    const io2 = captureIO({ isTTY: false });
    expect(await main(['eval', run, '--backend', 'wasm', '--sampling', 'resample'], io2)).toBe(2);
    expect(io2.stderr.join('\n')).toMatch(/--sampling resample: .* was trained with uniform sampling/);
  }, 60_000);

  it('refuses test clips without uniform sampling', async () => {
    const io = captureIO({ isTTY: false });
    expect(await main(['train', ...TINY, '--test-clips', '3', '--out', join(root, 'never')], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--test-clips 3 needs --sampling uniform/);
  });
});
