import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SOURCE_NODE_ARGS } from '@skelnorm/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('skelnorm bench', () => {
  // The PyTorch anchor (runTorchAnchor) needs torch; --no-torch keeps this fast and machine-independent.
  it('times our training step per configuration, alternating rounds, and writes JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-bench-'));
    dirs.push(dir);
    const out = join(dir, 'bench.json');
    const io = captureIO();
    const args = ['bench', '--workers', '0', '--person-sparse', 'both', '--batch-size', '6', '--steps', '1', '--warmup', '0', '--rounds', '2', '--backend', 'wasm', '--no-torch', '--out', out];
    expect(await main(args, io)).toBe(0);
    const result = JSON.parse(await readFile(out, 'utf8'));
    expect(result.rounds).toHaveLength(2);
    expect(result.rounds[1].skelnorm).toHaveLength(2);
    expect(result.rounds[1].skelnorm[0]).toMatchObject({ model: 'seed-cnn', workers: 0, batchSize: 6, steps: 1 });
    expect(result.rounds[1]).toMatchObject({ pytorch: null, pytorchPlain: null });
    const times = result.rounds.map((r: { skelnorm: { medianMsPerStep: number }[] }) => r.skelnorm[0]!.medianMsPerStep);
    expect(result.skelnormMsPerStep).toBeCloseTo((times[0] + times[1]) / 2, 6);
    expect(result.summary.map((r: { runner: string; personSparse: boolean }) => [r.runner, r.personSparse])).toEqual([['skelnorm', true], ['skelnorm', false]]);
    expect(result).toMatchObject({ pytorchMsPerStep: null, pytorchPlainMsPerStep: null, ratio: null, ratioPlain: null, pytorchNote: 'skipped (--no-torch)' });
    const stdout = io.stdout.join('\n');
    expect(stdout).toMatch(/^round 2: skelnorm \d+ ms\/step \(sparse, engine local\), skelnorm \d+ ms\/step \(dense, engine local\)$/m);
    expect(stdout).toMatch(/^skelnorm sparse, engine local: \d+ ms\/step \(median of 2 rounds\), \d+\.\d samples\/s, vs tuned -, vs plain -, \d+ CPU ms\/step$/m);
    expect(stdout).toMatch(/^pytorch anchor: skipped \(--no-torch\)$/m);
  });

  it('says clearly when torch is missing and still measures our step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-bench-'));
    dirs.push(dir);
    const out = join(dir, 'bench.json');
    const io = captureIO();
    const args = ['bench', '--workers', '0', '--batch-size', '4', '--steps', '1', '--warmup', '0', '--rounds', '1', '--backend', 'wasm', '--python', join(dir, 'no-python'), '--out', out];
    expect(await main(args, io)).toBe(0);
    const result = JSON.parse(await readFile(out, 'utf8'));
    expect(result.pytorchNote).toMatch(/^not measured: .*no-python -c 'import torch' failed/);
    expect(result.rounds[0]).toMatchObject({ pytorch: null, pytorchPlain: null });
    expect(result.skelnormMsPerStep).toBeGreaterThan(0);
    expect(io.stdout.join('\n')).toMatch(/^pytorch anchor: not measured: /m);
  });

  it('runs the tuned and the plain anchor every round and reports our throughput against each', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-bench-'));
    dirs.push(dir);
    // A stand-in for python with torch: `-c 'import torch...'` prints a version, the anchor
    // prints the JSON line the real script prints (400 ms tuned, 1000 ms with --plain).
    const python = join(dir, 'python');
    const line = (runner: string, ms: number) => `'${JSON.stringify({ runner, medianMsPerStep: ms, minMsPerStep: ms, threads: 2, batch: 4, steps: 1, torch: '9.9.9' })}'`;
    await writeFile(python, [
      '#!/bin/sh',
      'if [ "$1" = "-c" ]; then echo 9.9.9; exit 0; fi',
      `case "$*" in *--plain*) echo ${line('pytorch-plain', 1000)};; *) echo ${line('pytorch-tuned', 400)};; esac`,
    ].join('\n'));
    await chmod(python, 0o755);
    const out = join(dir, 'bench.json');
    const io = captureIO();
    const args = ['bench', '--workers', '0', '--batch-size', '4', '--steps', '1', '--warmup', '0', '--rounds', '2', '--backend', 'wasm', '--python', python, '--out', out];
    expect(await main(args, io)).toBe(0);
    const result = JSON.parse(await readFile(out, 'utf8'));
    expect(result.rounds.map((r: { pytorch: { runner: string } }) => r.pytorch.runner)).toEqual(['pytorch-tuned', 'pytorch-tuned']);
    expect(result.rounds[1].pytorchPlain).toMatchObject({ runner: 'pytorch-plain', medianMsPerStep: 1000 });
    expect(result).toMatchObject({ torch: '9.9.9', pytorchNote: null, pytorchMsPerStep: 400, pytorchPlainMsPerStep: 1000 });
    expect(result.ratio).toBeCloseTo(400 / result.skelnormMsPerStep, 9);
    expect(result.ratioPlain).toBeCloseTo(1000 / result.skelnormMsPerStep, 9);
    expect(result.summary.map((r: { runner: string }) => r.runner)).toEqual(['skelnorm', 'pytorch-tuned', 'pytorch-plain']);
    expect(io.stdout.join('\n')).toMatch(/^pytorch-tuned, torch 9\.9\.9, 2 threads: 400 ms\/step \(median of 2 rounds\), 10\.0 samples\/s$/m);
  });

  it('refuses a worker count that is not a non-negative integer', async () => {
    const io = captureIO();
    expect(await main(['bench', '--workers', '1,x', '--no-torch'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--workers expects non-negative integers, got 'x'/);
    const profiled = captureIO();
    expect(await main(['bench', '--workers', '2', '--profile', '--no-torch'], profiled)).toBe(2);
    expect(profiled.stderr.join('\n')).toMatch(/--profile times the kernels of this thread: use --workers 0/);
  });

  it('bench:gpu runs the step on WebGPU through Dawn in its own process (here on SwiftShader) and writes its JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-bench-gpu-'));
    dirs.push(dir);
    const script = fileURLToPath(new URL('../../scripts/bench-gpu.ts', import.meta.url));
    const args = [script, '--swiftshader', '--out-dir', dir, '--batch-size', '4', '--steps', '1', '--warmup', '0', '--rounds', '1', '--no-torch'];
    const { stdout } = await promisify(execFile)(process.execPath, [...SOURCE_NODE_ARGS, ...args], { maxBuffer: 1 << 22 });
    const [file] = (await readdir(dir)).filter((f) => f.startsWith('bench-node-webgpu-'));
    expect(file, stdout).toBeDefined();
    const result = JSON.parse(await readFile(join(dir, file!), 'utf8'));
    expect(result.mainBackend.name).toBe('webgpu');
    expect(result.summary).toHaveLength(1);
    expect(result.summary[0]).toMatchObject({ runner: 'skelnorm', workers: 0, personSparse: false });
    expect(result.summary[0].msPerStep).toBeGreaterThan(0);
    // tfjs-node-gpu is an optional peer that CI does not install: the script says so and goes on.
    expect(stdout).toMatch(/node-gpu: skipped \(@tensorflow\/tfjs-node-gpu is not installed\)/);
  }, 300_000);

  it('refuses a GPU backend with worker threads, which run wasm or cpu', async () => {
    const io = captureIO();
    expect(await main(['bench', '--backend', 'node-webgpu', '--workers', '1', '--no-torch'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--backend node-webgpu runs in this thread only: use --workers 0/);
  });
});

