import { UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { planAblation } from '../ablation/run-ablation.js';
import { selectVariants } from '../ablation/variants.js';
import { captureIO } from '../test-support/capture-io.js';
import { resolveTrainConfig } from '../training/train-config.js';
import { ablationJobData, ablationJobId, type AblationJobData } from './ablation-job.js';
import { JobProcessor } from './job-processor.js';

// The checks a worker makes before training, on a job as BullMQ hands it over (no queue needed).
const seedConfig = resolveTrainConfig({ classes: 3, 'per-class': 8, frames: 16, workers: 1, backend: 'wasm' } as Parameters<typeof resolveTrainConfig>[0]);
const jobOf = (data: AblationJobData) => ({ id: ablationJobId(data), data, attemptsStarted: 1, stalledCounter: 0 }) as unknown as Job<AblationJobData, string>;

describe('a worker refuses jobs it cannot reproduce', () => {
  it('other data: the content hashes differ, and both are named', async () => {
    const [t] = planAblation(seedConfig, selectVariants(['no-norm']), [0]);
    const job = jobOf(ablationJobData(t!, { fingerprint: 'deadbeef', description: 'the coordinator’s set' }));
    const io = captureIO();
    const processor = new JobProcessor({ io });
    await expect(processor.process(job as never, 'token', undefined)).rejects.toThrow(
      new RegExp(`^job ${job.id}: this worker \\(.+\\) has other data than the coordinator: content hash [0-9a-f]{8} here \\(synthetic NTU-like .*\\), deadbeef in the job \\(the coordinator’s set\\); give every machine the same data`),
    );
    expect(io.stdout).toContain(`took job ${job.id}: no-norm seed 0`);
  }, 60_000);

  it('data it cannot read: the job and the reason are named', async () => {
    const [t] = planAblation({ ...seedConfig, data: { kind: 'dir', path: '/nonexistent/ntu-pack' } }, selectVariants(['no-norm']), [0]);
    const job = jobOf(ablationJobData(t!, { fingerprint: '00000000', description: 'pack at /nonexistent/ntu-pack' }));
    await expect(new JobProcessor({ io: captureIO() }).process(job as never, 'token', undefined)).rejects.toThrow(
      new RegExp(`^job ${job.id}: this worker \\(.+\\) cannot load the job's data \\(pack at /nonexistent/ntu-pack\\): .*nonexistent`),
    );
  }, 60_000);

  it('a job of another format or an unknown derived variant: never retried (another version of skelnorm made it)', async () => {
    const [t] = planAblation(seedConfig, selectVariants(['bn-precise']), [0]);
    const data = ablationJobData(t!, { fingerprint: '00000000', description: 'x' });
    const processor = new JobProcessor({ io: captureIO() });
    const old = jobOf({ ...data, format: 0 as never });
    await expect(processor.process(old as never, 'token', undefined)).rejects.toThrow(UnrecoverableError);
    await expect(processor.process(old as never, 'token', undefined)).rejects.toThrow(/is of format 0, kind ablation; this worker .* reads format 1: run the same skelnorm version on every machine/);
    const unknown = jobOf({ ...data, derived: ['bn-from-the-future'] });
    await expect(processor.process(unknown as never, 'token', undefined)).rejects.toThrow(/asks for the derived variant 'bn-from-the-future', which this worker does not know/);
  });
});
