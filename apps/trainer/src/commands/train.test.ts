import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';
import { parseXml } from '../test-support/xml.js';

/** A tiny run: 3 synthetic classes, 16 frames, batch 8, one epoch, wasm in this thread. */
export const TINY = ['--classes', '3', '--per-class', '12', '--frames', '16', '--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1'];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-train-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('skelnorm train', () => {
  it('trains on tiny synthetic data and leaves a run folder with report and plots', async () => {
    const io = captureIO({ isTTY: false });
    const out = join(root, 'run');
    const code = await main(['train', ...TINY, '--out', out], io);
    console.log(io.text());
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^backend: wasm \(forced/m);
    expect(text).toMatch(/final eval accuracy: \d+\.\d% top-1/);
    // Plain lines when not a TTY: no carriage returns or escape codes, no raw writes.
    expect(io.raw).toEqual([]);
    expect(text).not.toMatch(/[\r\x1b]/);
    expect(text).toMatch(/^epoch 1\/1: train loss \d/m);

    const files = await readdir(out);
    expect(files).toEqual(expect.arrayContaining(['config.json', 'metrics.jsonl', 'report.md', 'loss.svg', 'accuracy.svg', 'confusion.svg', 'checkpoints']));
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model: 'seed-cnn', epochs: 1, batchSize: 8, frames: 16, modelOptions: { bnMomentum: 0.01 } });
    const events = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].type).toBe('start');
    expect(events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['step', 'epoch', 'eval', 'checkpoint', 'done']));
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toContain('![loss](loss.svg)');
    expect(report).toContain('![confusion matrix](confusion.svg)');
    for (const svg of ['loss.svg', 'accuracy.svg', 'confusion.svg']) expect(parseXml(await readFile(join(out, svg), 'utf8')).name).toBe('svg');
    expect((await readdir(join(out, 'checkpoints'))).some((f) => f.endsWith('.safetensors'))).toBe(true);
  });
});
