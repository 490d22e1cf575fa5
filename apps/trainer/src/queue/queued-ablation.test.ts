import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AblationRun } from '../ablation/ablation-table.js';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';
import { decodeJobResult } from './ablation-job.js';
import { QUEUE_NAME, QUEUE_PREFIX } from './job-queue.js';
import { spawnCli, type CliProcess } from '../test-support/cli-process.js';
import { freePort, startTestRedis, type TestRedis } from '../test-support/redis-server.js';

// 2 variants x 2 seeds, each job a few seconds: 3 classes x 16 samples, 8 epochs of 3 steps.
const TINY = ['--classes', '3', '--per-class', '16', '--frames', '16', '--batch-size', '4', '--epochs', '8', '--backend', 'wasm', '--workers', '1'];
const ABLATION = [...TINY, '--seeds', '0,1', '--variants', 'no-norm,seed-bn'];
/** The queued form also saves every trained model into a folder all workers reach. */
const queuedAblation = () => [...ABLATION, '--checkpoints', join(root, 'shared-checkpoints')];
// A killed worker's job is retried within 3-9 s instead of the default 30-90 s (shorter locks expire
// on live workers of a busy 2-core machine, whose jobs are then retried: correct, but slower).
const LOCK = ['--lock-seconds', '3'];

let redis: TestRedis;
let root: string;
const processes: CliProcess[] = [];
const start = (name: string, args: readonly string[]) => {
  const p = spawnCli(name, args);
  processes.push(p);
  return p;
};

beforeAll(async () => {
  redis = await startTestRedis();
  root = await mkdtemp(join(tmpdir(), 'skelnorm-queue-'));
});
/** A test that failed half-way leaves no worker behind to take the next test's jobs. */
afterEach(async () => {
  const running = processes.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  for (const p of running) p.child.kill('SIGKILL');
  await Promise.all(running.map((p) => p.exit(10_000)));
});
afterAll(async () => {
  await redis?.stop();
  await rm(root, { recursive: true, force: true });
});

const readRuns = async (dir: string) => (JSON.parse(await readFile(join(dir, 'ablation.json'), 'utf8')) as { runs: AblationRun[] }).runs;
/** A row without its wall time, the one column that may differ between machines. */
const numbers = ({ seconds: _s, ...rest }: AblationRun) => rest;

/** What the test's Redis holds, read with BullMQ itself. */
async function withQueue<T>(read: (queue: Queue) => Promise<T>): Promise<T> {
  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port }, prefix: QUEUE_PREFIX });
  try {
    return await read(queue);
  } finally {
    await queue.close();
  }
}

/** The finished jobs, with how often they were started and whose result they hold. */
const finishedJobs = () =>
  withQueue(async (queue) =>
    (await queue.getJobs(['completed'])).map((job) => ({
      id: job.id!,
      attemptsStarted: job.attemptsStarted,
      stalledCounter: job.stalledCounter,
      result: decodeJobResult(job.returnvalue, job.id!),
    })),
  );

describe('ablate --queue with skelnorm worker processes on one Redis', () => {
  it('survives a SIGKILLed worker: every row once, the killed job retried elsewhere, the numbers of the one-machine run', async () => {
    const url = redis.url;
    const a = start('worker A', ['worker', '--queue', url, ...LOCK]);
    const b = start('worker B', ['worker', '--queue', url, ...LOCK]);
    await Promise.all([a.waitFor(/waiting for jobs/, 60_000), b.waitFor(/waiting for jobs/, 60_000)]);
    const queuedOut = join(root, 'queued');
    const coordinator = start('ablate --queue', ['ablate', ...queuedAblation(), '--queue', url, '--out', queuedOut]);

    // Mid-job: A is training (its first step is done; 23 steps and 3 evaluations are left).
    const [, killedJob] = await a.waitFor(/^training job (\S+) /, 60_000);
    a.child.kill('SIGKILL');
    const label = killedJob!.replace(/-seed(\d+)-.*$/, ' seed $1');
    expect(await a.exit(10_000), a.output()).toBe(137);
    expect(a.lines.some((l) => l.startsWith(`finished job ${killedJob}`))).toBe(false);

    await coordinator.waitFor(new RegExp(`^${label}: its worker stopped answering`), 30_000);
    expect(await coordinator.exit(90_000), coordinator.output()).toBe(0);
    await b.waitFor(new RegExp(`^finished job ${killedJob} `), 1000);

    const queued = await readRuns(queuedOut);
    expect(queued.map((r) => `${r.variant}/${r.seed}`).sort()).toEqual(['no-norm/0', 'no-norm/1', 'seed-bn/0', 'seed-bn/1']);
    expect(queued.filter((r) => r.error)).toEqual([]);

    const jobs = await finishedJobs();
    expect(jobs).toHaveLength(4);
    const killed = jobs.find((j) => j.id === killedJob)!;
    expect(killed.result.worker.pid).toBe(b.pid);
    expect(killed.stalledCounter).toBeGreaterThanOrEqual(1);
    expect(killed.attemptsStarted).toBeGreaterThanOrEqual(2);
    expect((await readdir(join(root, 'shared-checkpoints'))).sort()).toEqual(jobs.map((j) => `${j.id}.safetensors`).sort());
    expect(jobs.map((j) => j.result.checkpoint).sort()).toEqual(jobs.map((j) => join(root, 'shared-checkpoints', `${j.id}.safetensors`)).sort());

    // The same ablation in one process: same rows, same numbers.
    const localOut = join(root, 'local');
    const io = captureIO();
    expect(await main(['ablate', ...ABLATION, '--out', localOut], io)).toBe(0);
    expect(queued.map(numbers)).toEqual((await readRuns(localOut)).map(numbers));
    expect(await readFile(join(queuedOut, 'runs', `${label.replace(' seed ', '-seed')}`, 'metrics.jsonl'), 'utf8')).toMatch(/"type":"done"/);

    b.child.kill('SIGTERM');
    expect(await b.exit(30_000), b.output()).toBe(0);
  }, 240_000);

  it('a rerun of the same command reuses every finished job and trains none', async () => {
    const before = new Map((await finishedJobs()).map((j) => [j.id, j.attemptsStarted]));
    expect(before.size).toBe(4);
    // No worker runs: a job that needed training would never finish.
    const out = join(root, 'rerun');
    const rerun = start('ablate --queue (rerun)', ['ablate', ...queuedAblation(), '--queue', redis.url, '--out', out]);
    expect(await rerun.exit(60_000), rerun.output()).toBe(0);
    expect(rerun.lines.filter((l) => /: finished earlier \(job \S+\); reusing its result$/.test(l))).toHaveLength(4);
    expect(rerun.output()).toMatch(/4 jobs, 4 finished earlier, 0 to train/);
    expect((await readRuns(out)).map(numbers)).toEqual((await readRuns(join(root, 'queued'))).map(numbers));
    const after = await finishedJobs();
    expect(new Map(after.map((j) => [j.id, j.attemptsStarted]))).toEqual(before);
  }, 120_000);

  it('Ctrl-C on ablate --queue takes the jobs no worker has started off the queue', async () => {
    const out = join(root, 'interrupted');
    const coordinator = start('ablate --queue (Ctrl-C)', ['ablate', ...TINY, '--seeds', '2,3', '--variants', 'no-norm', '--queue', redis.url, '--out', out]);
    await coordinator.waitFor(/: 2 jobs, 0 finished earlier, 2 to train/, 60_000);
    coordinator.child.kill('SIGINT');
    expect(await coordinator.exit(30_000), coordinator.output()).toBe(130);
    expect(coordinator.output()).toMatch(/interrupted: 2 jobs withdrawn from the queue, 0 still running on workers/);
    expect(await readFile(join(out, 'ablation.md'), 'utf8')).toMatch(/interrupted: 2 jobs withdrawn/);
    const counts = await withQueue((queue) => queue.getJobCounts('wait', 'delayed', 'active', 'prioritized', 'failed'));
    expect(counts).toEqual({ wait: 0, delayed: 0, active: 0, prioritized: 0, failed: 0 });
  }, 60_000);

  it('train --queue: one run on a worker, its run folder written here, the numbers of a local run', async () => {
    const worker = start('worker D', ['worker', '--queue', redis.url, ...LOCK]);
    const args = ['train', ...TINY, '--epochs', '2'];
    const queuedOut = join(root, 'train-queued');
    const io = captureIO();
    expect(await main([...args, '--queue', redis.url, '--out', queuedOut], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(new RegExp(`^trained on \\S+ pid ${worker.pid} \\(wasm, 1 worker thread\\):$`, 'm'));
    expect(io.stdout.join('\n')).toContain(`report: ${queuedOut}/report.md`);
    const localOut = join(root, 'train-local');
    expect(await main([...args, '--out', localOut], captureIO())).toBe(0);
    const epochs = async (dir: string) =>
      (await readFile(join(dir, 'metrics.jsonl'), 'utf8'))
        .split('\n')
        .filter((l) => l.includes('"type":"epoch"'))
        .map((l) => JSON.parse(l) as { loss: number; accuracy: number })
        .map(({ loss, accuracy }) => ({ loss, accuracy }));
    expect(await epochs(queuedOut)).toEqual(await epochs(localOut));
    expect(await epochs(queuedOut)).toHaveLength(2);
    const report = await readFile(join(queuedOut, 'report.md'), 'utf8');
    expect(report).not.toMatch(/skelnorm-job-/);
    worker.child.kill('SIGTERM');
    expect(await worker.exit(30_000), worker.output()).toBe(0);
  }, 120_000);

  it('a Redis restarted without its data: the coordinator says so, enqueues its lost job again and finishes', async () => {
    const out = join(root, 'restarted');
    const coordinator = start('ablate --queue (Redis restart)', ['ablate', ...TINY, '--epochs', '1', '--seeds', '4', '--variants', 'no-norm', '--queue', redis.url, '--out', out]);
    await coordinator.waitFor(/: 1 jobs, 0 finished earlier, 1 to train/, 60_000);
    await redis.restart();
    await coordinator.waitFor(/^lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+\/0 \(.*\); reconnecting every 1 s/, 30_000);
    await coordinator.waitFor(/^Redis at .* is back after \d+ s; carrying on$/, 30_000);
    await coordinator.waitFor(/^no-norm seed 4: job \S+ is no longer in Redis \(restarted without its data, or removed\); enqueuing it again$/, 30_000);
    // Two job processes on this machine: the second has nothing to do, and both stop on one SIGTERM.
    const worker = start('worker C', ['worker', '--queue', redis.url, '--concurrency', '2', ...LOCK]);
    expect(await coordinator.exit(60_000), coordinator.output()).toBe(0);
    await worker.waitFor(/^\[worker [12]\] finished job no-norm-seed4-/, 10_000);
    expect((await readRuns(out)).map((r) => [r.variant, r.seed, r.error])).toEqual([['no-norm', 4, undefined]]);
    worker.child.kill('SIGTERM');
    expect(await worker.exit(30_000), worker.output()).toBe(0);
  }, 120_000);

  it('an unreachable Redis is a clear error and a non-zero exit, for ablate, train and worker, and nothing is made', async () => {
    const port = await freePort();
    const commands = [
      ['ablate', ...ABLATION, '--queue', `redis://127.0.0.1:${port}`, '--out', join(root, 'never')],
      ['train', ...TINY, '--queue', `redis://127.0.0.1:${port}/1`, '--out', join(root, 'never-train')],
      ['worker', '--queue', `redis://127.0.0.1:${port}/3`],
    ];
    for (const args of commands) {
      const io = captureIO();
      expect(await main(args, io)).toBe(1);
      expect(io.stderr.join('\n')).toMatch(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/\\d \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)`));
    }
    // Nothing was made: the error came before any output folder.
    await expect(readdir(join(root, 'never'))).rejects.toThrow(/ENOENT/);
    await expect(readdir(join(root, 'never-train'))).rejects.toThrow(/ENOENT/);
    const io = captureIO();
    expect(await main(['worker', '--queue', 'http://127.0.0.1:6379'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--queue expects redis:\/\/HOST:PORT\[\/DB\]/);
  }, 60_000);
});
