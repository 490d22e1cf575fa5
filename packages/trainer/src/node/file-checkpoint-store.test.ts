import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_NODE_ARGS } from '@skelnorm/test-support';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Module } from '@skelnorm/nn';
import { fit, readTrainerState, type TrainEvent } from '../index.js';
import { killTestRun } from '../test-support/kill-test-run.js';
import { useCpu } from '../test-support/tf.js';
import { FileCheckpointStore } from './index.js';

beforeAll(useCpu);

const weights = (m: Module) => m.namedParameters().flatMap(([, v]) => Array.from(v.dataSync()));

async function drain(stream: AsyncIterable<TrainEvent>): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

describe('FileCheckpointStore', () => {
  it('keeps the last N, writes safetensors + JSON, and skips a torn newest file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-ckpt-'));
    const store = new FileCheckpointStore(dir, { keep: 2 });
    const { model, data, options } = killTestRun();
    const events = await drain(fit(model, data, { ...options, epochs: 3, checkpoint: { store, config: { run: 'test' } } }));
    expect(events.filter((e) => e.type === 'checkpoint').map((e) => (e as { location: string }).location)).toEqual([
      join(dir, 'epoch-0001-step-00000004.safetensors'),
      join(dir, 'epoch-0002-step-00000008.safetensors'),
      join(dir, 'epoch-0003-step-00000012.safetensors'),
    ]);
    expect((await readdir(dir)).sort()).toEqual([
      'epoch-0002-step-00000008.json', 'epoch-0002-step-00000008.safetensors',
      'epoch-0003-step-00000012.json', 'epoch-0003-step-00000012.safetensors',
    ]);
    const json = JSON.parse(await readFile(join(dir, 'epoch-0003-step-00000012.json'), 'utf8'));
    expect(json).toMatchObject({ format: 'skelnorm.trainer.checkpoint/1', epoch: 3, step: 0, globalStep: 12, config: { run: 'test' }, optimizer: { stepCount: 12 } });
    // A newer file cut short (as by a crash without the atomic rename) must not be taken.
    const good = await readFile(join(dir, 'epoch-0003-step-00000012.safetensors'));
    await writeFile(join(dir, 'epoch-0004-step-00000016.safetensors'), good.subarray(0, good.length - 100));
    expect((await store.latest())?.location).toBe(join(dir, 'epoch-0003-step-00000012.safetensors'));
    model.dispose();
  });

  it('a run killed with SIGKILL mid-epoch resumes from its last checkpoint to the uninterrupted result', async () => {
    const reference = killTestRun();
    await drain(fit(reference.model, reference.data, reference.options));
    const expected = weights(reference.model);
    reference.model.dispose();

    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-kill-'));
    const child = spawn(process.execPath, [...SOURCE_NODE_ARGS, fileURLToPath(new URL('../test-support/train-child.ts', import.meta.url))], {
      env: { ...process.env, SKELNORM_CKPT_DIR: dir, SKELNORM_HOLD_AT: '6' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        const steps = [...d.toString().matchAll(/checkpoint (\d+)/g)].map((m) => Number(m[1]));
        if (steps.some((s) => s >= 6)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      void exited.then(() => reject(new Error(`child exited before it was killed: ${stderr.slice(-2000)}`)));
    });
    expect(await exited).toBe('SIGKILL');

    const store = new FileCheckpointStore(dir, { keep: 2 });
    for (const f of (await readdir(dir)).filter((f) => f.endsWith('.safetensors'))) {
      expect(() => readTrainerState(new Uint8Array(readFileSync(join(dir, f))), f)).not.toThrow();
    }
    const latest = await store.latest();
    const state = readTrainerState(latest!.safetensors);
    expect(state.globalStep).toBe(6);

    const resumed = killTestRun();
    const events = await drain(fit(resumed.model, resumed.data, { ...resumed.options, checkpoint: { store }, resume: 'latest' }));
    expect(events[0]).toMatchObject({ type: 'start', globalStep: state.globalStep, resumedFrom: latest!.location });
    expect(events.at(-1)?.type).toBe('done');
    const actual = weights(resumed.model);
    actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-6));
    resumed.model.dispose();
  });
});
