import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@skelnorm/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';
import { resolveCheckpointPath } from '../training/model-file.js';

/** A tiny run: 3 synthetic classes, 16 frames, batch 8, one epoch, wasm in this thread. */
const TINY = ['--classes', '3', '--per-class', '12', '--frames', '16', '--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1'];

let root: string;
let run: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-export-'));
  run = join(root, 'run');
  expect(await main(['train', ...TINY, '--layout', 'ntu25-live', '--out', run], captureIO())).toBe(0);
}, 180_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('skelnorm export', () => {
  it("writes the run's model without the optimizer state, and it evaluates as the run does", async () => {
    const out = join(root, 'model.safetensors');
    const io = captureIO();
    expect(await main(['export', run, '--out', out, '--backend', 'wasm'], io), io.text()).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^wrote .*model\.safetensors: seed-cnn \{.*"layout":"ntu25-live".*\}, \d+\.\d MB \(from .*checkpoints.*, \d+\.\d MB\)$/m);
    const checkpoint = await resolveCheckpointPath(run);
    // Adam keeps two moments per parameter: the model alone is about a third of the checkpoint.
    expect((await stat(out)).size).toBeLessThan((await stat(checkpoint)).size / 2);
    const file = readSafetensors(await readFile(out));
    expect(Object.keys(file.tensors)).toContain('fc2.0.weight');
    expect(Object.keys(file.tensors).some((k) => /exp_avg|optimizer/i.test(k))).toBe(false);
    expect(JSON.parse(file.metadata['skelnorm.run']!)).toMatchObject({ layout: 'ntu25-live', frames: 16 });

    const top1 = async (path: string) => {
      const evalIO = captureIO();
      expect(await main(['eval', path, '--backend', 'wasm'], evalIO), evalIO.text()).toBe(0);
      return /^test \(eval mode\): (top-1 .*)$/m.exec(evalIO.stdout.join('\n'))?.[1];
    };
    expect(await top1(out)).toBe(await top1(run));
  }, 120_000);

  it('refuses an existing --out without --force, its own input always, and a missing --out', async () => {
    const existing = join(root, 'mine.safetensors');
    await writeFile(existing, 'keep me');
    const io = captureIO();
    expect(await main(['export', run, '--out', existing, '--backend', 'wasm'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--out .*mine\.safetensors exists; choose another file or add --force/);
    expect(await readFile(existing, 'utf8')).toBe('keep me');
    const checkpoint = await resolveCheckpointPath(run);
    const self = captureIO();
    expect(await main(['export', checkpoint, '--out', checkpoint, '--force', '--backend', 'wasm'], self)).toBe(2);
    expect(self.stderr.join('\n')).toMatch(/is this command's input/);
    const none = captureIO();
    expect(await main(['export', run, '--backend', 'wasm'], none)).toBe(2);
    expect(none.stderr.join('\n')).toMatch(/--out FILE is required/);
  }, 60_000);
});
