// A plain PyTorch state dict (no skelnorm metadata) as input to eval, doctor and train --init:
// the model is recognised by its keys, its options read off its shapes, and what comes out keeps
// the input's state-dict names.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@skelnorm/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';
import { writePlainStateDict } from '../test-support/plain-state-dict.js';
import { resolveCheckpointPath } from '../training/model-file.js';

const CPU = ['--backend', 'wasm'];
let root: string;
let data: string;
let run: string;
let plain: string;

interface ScoreFile {
  samples: { name: string; label: number; logits: number[] }[];
}
const scores = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as ScoreFile;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-plain-'));
  data = join(root, 'data');
  run = join(root, 'run');
  plain = join(root, 'seed_model.safetensors');
  expect(await main(['synth', '--out', data, '--classes', '4', '--per-class', '12'], captureIO())).toBe(0);
  expect(await main(['train', '--data', data, '--frames', '16', '--batch-size', '8', '--epochs', '2', '--workers', '1', ...CPU, '--out', run], captureIO())).toBe(0);
  await writePlainStateDict(await resolveCheckpointPath(run), plain);
  expect(readSafetensors(await readFile(plain)).metadata).toEqual({});
}, 180_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a plain PyTorch state dict', () => {
  it('evaluates like the run it came from, says what it inferred, and writes logits by sample name', async () => {
    const io = captureIO();
    expect(await main(['eval', plain, '--data', data, ...CPU, '--scores', join(root, 'plain.json')], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/a plain PyTorch state dict \(recognised as seed-cnn by its keys\)/);
    expect(text).toMatch(/numClasses 60 \(fc2\.0\.weight has 60 rows\)/);
    expect(text).toMatch(/frames 16 \(fc1\.0\.weight takes 768 = 128 x 2 x 3/);
    expect(await main(['eval', run, '--data', data, ...CPU, '--scores', join(root, 'run.json')], captureIO())).toBe(0);
    const [a, b] = [await scores(join(root, 'plain.json')), await scores(join(root, 'run.json'))];
    expect(a.samples.length).toBeGreaterThan(0);
    expect(a.samples.map((s) => s.name)).toEqual(b.samples.map((s) => s.name));
    a.samples.forEach((s, i) => expect(s.logits).toEqual(b.samples[i]!.logits));
  });

  it('refuses --model of another model, naming what the keys say, and writes nothing', async () => {
    const io = captureIO();
    const out = join(root, 'never.json');
    expect(await main(['eval', plain, '--model', 'stgcn', '--data', data, ...CPU, '--scores', out], io)).not.toBe(0);
    expect(io.stderr.join('\n')).toMatch(/seed_model\.safetensors: this is a state dict of 'seed-cnn' \(its keys\), not of 'stgcn'/);
    expect(existsSync(out)).toBe(false);
  });

  it('doctor --repair writes a state dict with the same names as the input', async () => {
    const out = join(root, 'repaired.safetensors');
    const io = captureIO();
    expect(await main(['doctor', plain, '--data', data, ...CPU, '--repair', '--out', out], io)).toBe(0);
    const names = (path: string) => readFile(path).then((b) => Object.keys(readSafetensors(b, path).tensors).sort());
    expect(await names(out)).toEqual(await names(plain));
    const perPerson = join(root, 'repaired.per-person.safetensors');
    if (existsSync(perPerson)) {
      // Per-slot statistics are a different architecture: it is the extra file, never the main one.
      expect((await names(perPerson)).some((n) => n.includes('_slot'))).toBe(true);
      expect(io.stdout.join('\n')).toMatch(/loads with strict=True into the unchanged model/);
    }
    expect(await main(['eval', out, '--data', data, ...CPU], captureIO())).toBe(0);
  });

  it('train --init starts from it, with the model and options it implies', async () => {
    const io = captureIO();
    const code = await main(['train', '--init', plain, '--data', data, '--batch-size', '8', '--epochs', '1', '--workers', '1', ...CPU, '--out', join(root, 'tuned')], io);
    expect(code, io.stderr.join('\n')).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/init: seed-cnn from .*seed_model\.safetensors/);
    const config = JSON.parse(await readFile(join(root, 'tuned', 'config.json'), 'utf8')) as { model: string; init: string };
    expect(config).toMatchObject({ model: 'seed-cnn', init: plain });
  });
});
