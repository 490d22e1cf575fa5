import { describe, expect, it } from 'vitest';
import { planAblation } from '../ablation/run-ablation.js';
import { selectVariants } from '../ablation/variants.js';
import { resolveTrainConfig, type TrainConfig } from '../training/train-config.js';
import { ablationJobData, ablationJobId, decodeJobResult, encodeJobResult, jobRows } from './ablation-job.js';
import { canonicalJson, JOB_FORMAT } from './job-queue.js';

const seedConfig = resolveTrainConfig({ classes: 3, 'per-class': 8, workers: 1 } as Parameters<typeof resolveTrainConfig>[0]);
const data = { fingerprint: '0123abcd', description: 'tiny synthetic set' };

describe('ablation jobs', () => {
  it('one job per training; derived variants ride on the seed-bn job of their seed, trained first', () => {
    const trainings = planAblation(seedConfig, selectVariants(['no-norm', 'bn-precise']), [0, 1]);
    const jobs = trainings.map((t) => ablationJobData(t, data));
    expect(jobs.map((j) => [j.variant, j.seed, jobRows(j)])).toEqual([
      ['seed-bn', 0, ['bn-precise']],
      ['no-norm', 0, ['no-norm']],
      ['seed-bn', 1, ['bn-precise']],
      ['no-norm', 1, ['no-norm']],
    ]);
    expect(jobs.map((j) => j.config.seed)).toEqual([0, 0, 1, 1]);
  });

  it('the id depends on every input and on nothing else: the same ablation gets the same ids', () => {
    const [t] = planAblation(seedConfig, selectVariants(['seed-bn']), [0]);
    const id = ablationJobId(ablationJobData(t!, data));
    expect(id).toMatch(/^seed-bn-seed0-[0-9a-f]{16}$/);
    expect(ablationJobId(ablationJobData(t!, { ...data, description: 'worded otherwise' }))).toBe(id);
    // Key order is not an input: a config rebuilt in another order hashes the same.
    const reordered = JSON.parse(canonicalJson(t!.config)) as TrainConfig;
    expect(ablationJobId(ablationJobData({ ...t!, config: reordered }, data))).toBe(id);
    for (const other of [
      ablationJobData(t!, { ...data, fingerprint: 'ffffffff' }),
      ablationJobData({ ...t!, config: { ...t!.config, epochs: t!.config.epochs + 1 } }, data),
      ablationJobData({ ...t!, config: { ...t!.config, workers: 2 } }, data),
      ablationJobData(t!, data, '/shared/checkpoints'),
    ]) {
      expect(ablationJobId(other)).not.toBe(id);
    }
  });

  it('a --data folder travels as an absolute path (every worker has its own working folder)', () => {
    const config = { ...seedConfig, data: { kind: 'dir' as const, path: 'packs/ntu' } };
    const [t] = planAblation(config, selectVariants(['seed-bn']), [0]);
    const job = ablationJobData(t!, data);
    expect(job.config.data).toEqual({ kind: 'dir', path: `${process.cwd()}/packs/ntu` });
  });

  it('a result round-trips through its text, NaN of a failed row included; a foreign value is named', () => {
    const result = {
      format: JOB_FORMAT,
      jobId: 'seed-bn-seed0-0000000000000000',
      rows: [
        { variant: 'seed-bn', seed: 0, runningTrainAccuracy: 0.5, trainAccuracyEval: 0.25, testAccuracy: 0.125, testAccuracyBatchStats: 0.375, seconds: 2.5 },
        { variant: 'bn-precise', seed: 0, runningTrainAccuracy: Number.NaN, trainAccuracyEval: Number.NaN, testAccuracy: Number.NaN, testAccuracyBatchStats: Number.NaN, seconds: 0, error: 'boom' },
      ],
      metrics: '{"type":"done"}\n',
      worker: { host: 'lab-1', pid: 42, backend: 'wasm', workers: 1 },
    } as const;
    expect(decodeJobResult(encodeJobResult(result), result.jobId)).toEqual(result);
    expect(() => decodeJobResult('{"format":0}', 'x-seed0-1')).toThrow(/job x-seed0-1: its stored result is not a skelnorm ablation result of format 1/);
    expect(() => decodeJobResult(null, 'x-seed0-1')).toThrow(/job x-seed0-1/);
  });
});
