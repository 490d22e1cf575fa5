import { cp, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';

const TINY = ['--classes', '3', '--per-class', '8', '--frames', '16', '--batch-size', '8', '--backend', 'wasm', '--workers', '1'];

let root: string;
let base: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-resume-'));
  base = join(root, 'base');
  expect(await main(['train', ...TINY, '--epochs', '2', '--out', base], captureIO())).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A copy of the two-epoch run, so that each test breaks its own. */
async function copyRun(name: string): Promise<{ dir: string; checkpoints: string[] }> {
  const dir = join(root, name);
  await cp(base, dir, { recursive: true });
  const checkpoints = (await readdir(join(dir, 'checkpoints'))).filter((f) => f.endsWith('.safetensors')).sort().map((f) => join(dir, 'checkpoints', f));
  return { dir, checkpoints };
}

describe('resume and checkpoints under faults', () => {
  it('names a torn newest checkpoint and uses the one before it (eval and resume), never silently', async () => {
    const { dir, checkpoints } = await copyRun('torn');
    await truncate(checkpoints.at(-1)!, 100);
    const io = captureIO();
    expect(await main(['eval', dir, '--backend', 'wasm'], io)).toBe(0);
    expect(io.stderr.join('\n')).toMatch(new RegExp(`note: skipped .*${checkpoints.at(-1)!.split('/').at(-1)!.replace(/\./g, '\\.')} \\(.*\\); using the checkpoint before it, .*${checkpoints.at(-2)!.split('/').at(-1)!.replace(/\./g, '\\.')}`));
    const resumed = captureIO();
    expect(await main(['train', '--resume', dir, '--epochs', '3'], resumed)).toBe(0);
    expect(resumed.stderr.join('\n')).toMatch(/note: skipped .*; resuming from /);
  });

  it('refuses to resume when no checkpoint reads back, instead of restarting from scratch', async () => {
    const { dir, checkpoints } = await copyRun('all-torn');
    for (const c of checkpoints) await writeFile(c, 'not a checkpoint');
    const config = await readFile(join(dir, 'config.json'), 'utf8');
    const io = captureIO();
    expect(await main(['train', '--resume', dir], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/none of its 2 checkpoints reads back .*refusing to restart from scratch in this folder/);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(config);
    const evalIO = captureIO();
    expect(await main(['eval', dir, '--backend', 'wasm'], evalIO)).toBe(2);
    expect(evalIO.stderr.join('\n')).toMatch(/none of the 2 checkpoints in .* reads back/);
  });

  it('refuses --epochs that would not extend the run, and changes nothing', async () => {
    const { dir } = await copyRun('shorter');
    const config = await readFile(join(dir, 'config.json'), 'utf8');
    const io = captureIO();
    expect(await main(['train', '--resume', dir, '--epochs', '1'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/the run has done 2 epochs; --epochs 1 would not extend it \(give more than 2\); nothing was changed/);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(config);
  });

  it('refuses to resume on data that changed since the run started', async () => {
    const data = join(root, 'skeletons');
    expect(await main(['synth', '--out', data, '--classes', '3', '--per-class', '6'], captureIO())).toBe(0);
    const run = join(root, 'on-files');
    expect(await main(['train', ...TINY.filter((a, i, all) => !['--classes', '--per-class'].includes(a) && !['--classes', '--per-class'].includes(all[i - 1]!)), '--epochs', '1', '--data', data, '--out', run], captureIO())).toBe(0);
    const files = (await readdir(data)).filter((f) => f.endsWith('.skeleton')).sort();
    await rm(join(data, files[0]!));
    const io = captureIO();
    expect(await main(['train', '--resume', run, '--epochs', '2'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/the data has changed since the run started \(content hash [0-9a-f]{8}, the run's [0-9a-f]{8}: .*\); resuming would mix two data sets/);
  });

  it('clears the temporaries a killed checkpoint write left behind', async () => {
    const { dir } = await copyRun('stale');
    const stale = join(dir, 'checkpoints', '.epoch-0009-step-00000099.safetensors.999999.deadbeef.tmp');
    const old = join(dir, 'checkpoints', 'epoch-0009-step-00000099.safetensors.tmp-999998');
    await writeFile(stale, new Uint8Array(1000));
    await writeFile(old, new Uint8Array(1000));
    expect(await main(['train', '--resume', dir, '--epochs', '3'], captureIO())).toBe(0);
    const left = await readdir(join(dir, 'checkpoints'));
    expect(left.filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});
