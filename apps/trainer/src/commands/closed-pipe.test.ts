import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_NODE_ARGS, ntuSamplesDir } from '@skelnorm/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../test-support/run-cli.ts', import.meta.url));
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-pipe-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the CLI in a child process whose stdout reader goes away after the first chunk (`| head -1`). */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string; first: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...SOURCE_NODE_ARGS, entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let first = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString();
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, first }));
  });
}

describe('a closed stdout', () => {
  it('ends nothing: train finishes quietly and leaves its run folder', async () => {
    const out = join(root, 'run');
    const result = await runWithClosedStdout(['train', '--classes', '3', '--per-class', '8', '--frames', '16', '--batch-size', '8', '--epochs', '2', '--backend', 'wasm', '--workers', '1', '--out', out]);
    expect(result.first).toMatch(/^backend: wasm/);
    expect(result.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(result.code).toBe(0);
    expect(await readdir(out)).toEqual(expect.arrayContaining(['report.md', 'config.json', 'metrics.jsonl']));
  }, 120_000);

  it('inspect | head -1 exits 0 without a stack trace', async () => {
    const samples = ntuSamplesDir();
    const result = await runWithClosedStdout(['inspect', join(samples, 'S001C003P008R002A058.skeleton'), join(samples, 'S001C001P001R001A001.skeleton')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});
