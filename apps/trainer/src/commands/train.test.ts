import { cp, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';
import { parseXml } from '@skelnorm/test-support';

/** A tiny run: 3 synthetic classes, 16 frames, batch 8, one epoch, wasm in this thread. */
const TINY = ['--classes', '3', '--per-class', '12', '--frames', '16', '--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1'];

let root: string;
/** One tiny run made before any test; a test that changes it works on its own copy (`copyOfRun`). */
let run: string;
let first: { code: number; io: ReturnType<typeof captureIO> };
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-train-'));
  run = join(root, 'run');
  const io = captureIO({ isTTY: false });
  first = { code: await main(['train', ...TINY, '--out', run], io), io };
}, 120_000);

async function copyOfRun(name: string): Promise<string> {
  const dir = join(root, name);
  await cp(run, dir, { recursive: true });
  return dir;
}
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const readEvents = async (dir: string) =>
  (await readFile(join(dir, 'metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });

describe('skelnorm train', () => {
  it('trains on tiny synthetic data and leaves a run folder with report and plots, plain lines when not a TTY', async () => {
    const { io, code } = first;
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^backend: wasm \(forced/m);
    expect(text).toMatch(/^final eval accuracy: \d+\.\d% top-1/m);
    // Not a TTY: whole lines only (no carriage returns, no escape codes, no raw writes).
    expect(io.raw).toEqual([]);
    expect(text).not.toMatch(/[\r\x1b]/);
    expect(text).toMatch(/^epoch 1\/1: train loss \d/m);

    const files = await readdir(run);
    expect(files).toEqual(expect.arrayContaining(['config.json', 'metrics.jsonl', 'report.md', 'loss.svg', 'accuracy.svg', 'confusion.svg', 'checkpoints']));
    const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model: 'seed-cnn', epochs: 1, batchSize: 8, frames: 16, modelOptions: { bnMomentum: 0.01 } });
    const events = await readEvents(run);
    expect(events[0]!.type).toBe('start');
    expect(events.at(-1)!.type).toBe('done');
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['step', 'epoch', 'eval', 'checkpoint']));
    const report = await readFile(join(run, 'report.md'), 'utf8');
    expect(report).toContain('![loss](loss.svg)');
    expect(report).toContain('![accuracy](accuracy.svg)');
    expect(report).toContain('![confusion matrix](confusion.svg)');
    // The doctor's measurement of what the eval-mode gap is made of, and how the run's length bears on it.
    expect(report).toMatch(/## BatchNorm check[\s\S]*\(a\) running statistics, as trained[\s\S]*measured failure: [\s\S]*This run took \d+ optimizer steps with BatchNorm momentum 0\.01/);
    expect(text).toMatch(/^BatchNorm check \(held-out slice of the training split\): gap by cause: lag -?\d+\.\d, batch averages vs population -?\d+\.\d, per-person blend -?\d+\.\d points/m);
    for (const svg of ['loss.svg', 'accuracy.svg', 'confusion.svg']) expect(parseXml(await readFile(join(run, svg), 'utf8')).name).toBe('svg');
    expect((await readdir(join(run, 'checkpoints'))).some((f) => f.endsWith('.safetensors'))).toBe(true);
  });

  it('resumes a run from its latest checkpoint and extends it', async () => {
    const io = captureIO();
    const resumed = await copyOfRun('resumed');
    const code = await main(['train', '--resume', resumed, '--epochs', '2'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/resumed from .*epoch-0001-step-\d+\.safetensors at epoch 2 step 0/);
    const events = await readEvents(resumed);
    const starts = events.filter((e) => e.type === 'start');
    expect(starts).toHaveLength(2);
    expect(starts[1]).toMatchObject({ epoch: 1, epochs: 2 });
    expect(events.filter((e) => e.type === 'epoch').map((e) => e.epoch)).toEqual([0, 1]);
    const report = await readFile(join(resumed, 'report.md'), 'utf8');
    expect(report).toMatch(/^\| 1 \| /m);
    expect(report).toMatch(/^\| 2 \| /m);
    expect(JSON.parse(await readFile(join(resumed, 'config.json'), 'utf8')).epochs).toBe(2);
  });

  it('draws a progress bar with steps/s and ETA on a TTY', async () => {
    const io = captureIO({ isTTY: true });
    expect(await main(['train', ...TINY, '--out', join(root, 'tty')], io)).toBe(0);
    const bars = io.raw.filter((w) => w.startsWith('\r') && w.includes('steps/s'));
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.at(-1)).toMatch(/epoch 1\/1 \[#+\] 1\/1 loss \d+\.\d+ acc \d+\.\d% \d+(\.\d+)? steps\/s ETA \d+:\d\d/);
    expect(io.raw.at(-1)).toBe('\r\x1b[K');
  });
});

describe('skelnorm eval and doctor', () => {
  it('evaluates a run folder', async () => {
    const io = captureIO();
    const json = join(root, 'eval.json');
    expect(await main(['eval', run, '--backend', 'wasm', '--batch-stats', '--train', '--json', json], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^test \(eval mode\): top-1 \d+\.\d%, top-5 \d+\.\d%, loss \d/m);
    expect(text).toMatch(/^test \(batch statistics\): top-1/m);
    expect(text).toMatch(/^train \(eval mode\): top-1/m);
    const result = JSON.parse(await readFile(json, 'utf8'));
    expect(result.results.test.count).toBe(24);
  });

  it('diagnoses the seed model, repairs it, and the repaired file evaluates', async () => {
    const io = captureIO();
    const out = join(root, 'repaired.safetensors');
    expect(await main(['doctor', run, '--backend', 'wasm', '--repair', '--out', out], io)).toBe(0);
    const text = io.stdout.join('\n');
    // The seed's per-person loop calls conv BatchNorms twice per forward pass.
    expect(text).toMatch(/^conv1\.1\s+BatchNorm2d\s+2\s+0\.01\s/m);
    expect(text).toMatch(/^fc1\.1\s+BatchNorm1d\s+1\s+0\.01\s/m);
    expect(text).toMatch(/^fixes:\n  - /m);
    expect(text).toMatch(/^test accuracy before: \d+\.\d% \(eval mode; \d+\.\d% with batch statistics\)/m);
    expect(text).toMatch(/^test accuracy after: +\d+\.\d% \(eval mode, repaired\)/m);
    expect((await stat(out)).size).toBeGreaterThan(0);

    // Nothing the user had is replaced: not an existing file, never the checkpoint being repaired.
    const again = captureIO();
    expect(await main(['doctor', run, '--backend', 'wasm', '--repair', '--out', out], again)).toBe(2);
    expect(again.stderr.join('\n')).toMatch(/--out .*repaired\.safetensors exists; choose another file or add --force to replace it/);
    const checkpoint = (await readdir(join(run, 'checkpoints'))).filter((f) => f.endsWith('.safetensors')).sort().at(-1)!;
    const own = captureIO();
    expect(await main(['doctor', run, '--backend', 'wasm', '--repair', '--force', '--out', join(run, 'checkpoints', checkpoint)], own)).toBe(2);
    expect(own.stderr.join('\n')).toMatch(/is this command's input .*; write the result to another file/);

    const evalIO = captureIO();
    expect(await main(['eval', out, '--backend', 'wasm'], evalIO)).toBe(0);
    // The saved model is the repaired one: eval gives doctor's "after" accuracy.
    const after = /^test accuracy after: +(\d+\.\d)%/m.exec(text)![1];
    expect(evalIO.stdout.join('\n')).toContain(`test (eval mode): top-1 ${after}%`);
  });
});

describe('usage errors', () => {
  it.each([
    [['train', '--epochs', 'x'], /--epochs expects a number, got 'x'/],
    [['train', '--bogus'], /Unknown option '--bogus'/],
    [['train', '--backend', 'tpu'], /--backend must be one of auto\|node-gpu\|node-webgpu\|node\|wasm\|cpu/],
    [['train', '--bn-momentum', '2'], /--bn-momentum expects a number in \[0, 1\] or 'null'/],
    [['train', '--resume', '/nonexistent-skelnorm-run', '--lr', '0.1'], /--lr cannot change/],
    [['train', '--data', 'somewhere', '--classes', '3'], /--classes, --per-class and --data-seed describe the synthetic set/],
    [['train', '--norm', 'group', '--no-running-stats'], /--no-running-stats applies to BatchNorm \(--norm batch or masked-batch\), not --norm group/],
    [['train', '--norm', 'layer', '--bn-momentum', '0.1'], /--bn-momentum applies to BatchNorm/],
    [['train', '--warmup-epochs', '5', '--epochs', '2'], /--warmup-epochs 5 is not shorter than the run \(2 epochs\)/],
    [['doctor'], /expected 1 argument, got 0/],
    [['doctor', 'x.safetensors', '--repair'], /--repair needs --out FILE/],
    [['eval', '/nonexistent-skelnorm-file.safetensors', '--backend', 'cpu'], /no such file or folder/],
  ])('%j', async (args, message) => {
    const io = captureIO();
    expect(await main(args, io)).toBe(2);
    const err = io.stderr.join('\n');
    expect(err).toMatch(message);
    expect(err).toContain(`Usage: skelnorm ${args[0]}`);
  });

  it('refuses an --out that holds a run (the old run stays as it was), and replaces it with --force', async () => {
    const folder = join(root, 'taken');
    expect(await main(['train', ...TINY, '--out', folder], captureIO())).toBe(0);
    const config = await readFile(join(folder, 'config.json'), 'utf8');
    const checkpoints = await readdir(join(folder, 'checkpoints'));
    const io = captureIO();
    expect(await main(['train', ...TINY, '--seed', '3', '--out', folder], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--out .*taken already holds .*; a new run would mix with it\. Choose another --out, continue that run with --resume .*taken, or add --force to replace it/);
    expect(await readFile(join(folder, 'config.json'), 'utf8')).toBe(config);
    expect(await readdir(join(folder, 'checkpoints'))).toEqual(checkpoints);

    expect(await main(['train', ...TINY, '--seed', '3', '--out', folder, '--force'], captureIO())).toBe(0);
    expect(JSON.parse(await readFile(join(folder, 'config.json'), 'utf8')).seed).toBe(3);
    expect((await readEvents(folder)).filter((e) => e.type === 'start')).toHaveLength(1);

    const ablate = captureIO();
    expect(await main(['ablate', '--out', folder, '--seeds', '0', '--variants', 'no-norm'], ablate)).toBe(2);
    expect(ablate.stderr.join('\n')).toMatch(/already holds .*a new ablation would mix with it/);
    expect(await main(['ablate', '--seeds', ',', '--out', join(root, 'no-seeds')], captureIO())).toBe(2);
  });

  it('rejects an option the model does not have, before making a run folder', async () => {
    const io = captureIO();
    expect(await main(['train', ...TINY, '--norm', 'weird', '--out', join(root, 'bad')], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/norm/);
    await expect(stat(join(root, 'bad'))).rejects.toThrow(/ENOENT/);
  });

  it('names unknown commands and lists the known ones', async () => {
    const io = captureIO();
    expect(await main(['trian'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/unknown command 'trian'. Commands: ablate, bench, doctor, ensemble, eval, export, inspect, pack, synth, train, worker/);
  });
});
