import { mkdir, mkdtemp, readFile, readdir, rm, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderRunReport } from '../report/run-report.js';
import { emptyHistory, epochRecord } from '../report/run-history.js';
import { parseXml } from '@skelnorm/test-support';
import { defaultRunDir, RunFolder } from './run-folder.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('RunFolder', () => {
  it('writes config.json, appends metrics.jsonl, and survives a cut-off last line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-run-'));
    dirs.push(dir);
    const run = await RunFolder.open(join(dir, 'r'));
    await run.writeConfig({ model: 'seed-cnn', lr: 0.01 });
    await run.appendMetric({ type: 'step', step: 1, loss: 2.3 });
    await run.appendMetric({ type: 'step', step: 2, loss: Number.NaN });
    await appendFile(run.metricsPath, '{"type":"ste');
    expect(await run.readConfig()).toEqual({ model: 'seed-cnn', lr: 0.01 });
    expect(await run.readMetrics()).toEqual([
      { type: 'step', step: 1, loss: 2.3 },
      { type: 'step', step: 2, loss: 'NaN' },
    ]);
    expect(await readdir(run.dir)).toEqual(expect.arrayContaining(['checkpoints', 'config.json', 'metrics.jsonl']));
    expect((await readdir(run.dir)).some((f) => f.includes('.tmp'))).toBe(false);
  });

  it('names default run folders by time and model', () => {
    expect(defaultRunDir('seed-cnn', new Date('2026-11-27T19:30:05.123Z'))).toBe(join('runs', '2026-11-27T19-30-05-seed-cnn'));
  });
});

describe('renderRunReport', () => {
  it('links every plot it produces, and the plots are valid SVG', async () => {
    const history = emptyHistory();
    for (let epoch = 1; epoch <= 3; epoch++) {
      Object.assign(epochRecord(history, epoch), { trainLoss: 2 / epoch, trainAccuracy: 0.3 * epoch, evalLoss: 2.2 / epoch, evalTop1: 0.25 * epoch, evalTop5: 0.3 * epoch });
    }
    history.steps = Array.from({ length: 900 }, (_, i) => ({ step: i + 1, loss: 2 - i / 900, epochFraction: (i + 1) / 300 }));
    history.confusion = [
      [5, 1],
      [2, 4],
    ];
    history.perClassAccuracy = [5 / 6, 4 / 6];
    const report = renderRunReport({ title: 'run', history, config: { model: 'seed-cnn' }, backend: { name: 'cpu', reason: 'forced by --backend' } });
    expect(Object.keys(report.files).sort()).toEqual(['accuracy.svg', 'confusion.svg', 'loss.svg']);
    for (const [name, svg] of Object.entries(report.files)) {
      expect(report.markdown).toContain(`](${name})`);
      expect(parseXml(svg).name).toBe('svg');
    }
    expect(report.markdown).toContain('**Final eval accuracy:** 75.0% top-1');
    expect(report.markdown).toContain('| 3 | 0.6667 | 90.0% | 0.7333 | 75.0% | 90.0% |');
    // 900 steps are thinned to at most 400 points in the plot.
    const stepCurve = /<path d="M([^"]+)"/.exec(report.files['loss.svg']!)![1]!;
    expect(stepCurve.split('L').length).toBeLessThanOrEqual(400);
  });

});

describe('RunFolder for a new run', () => {
  it('refuses to start a new run in a folder that holds anything, unless forced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-run-'));
    dirs.push(dir);
    const old = await RunFolder.create(join(dir, 'r'));
    await old.writeConfig({ model: 'old' });
    await expect(RunFolder.create(old.dir, { resumable: true })).rejects.toThrow(/--out .*r already holds checkpoints, config\.json; a new run would mix with it\. Choose another --out, continue that run with --resume .*r, or add --force to replace it/);
    expect(await old.readConfig()).toEqual({ model: 'old' });
    const fresh = await RunFolder.create(old.dir, { force: true });
    expect(await readdir(fresh.dir)).toEqual(['checkpoints']);
    // An empty folder is no run: taken as it is.
    await mkdir(join(dir, 'empty'));
    await expect(RunFolder.create(join(dir, 'empty'))).resolves.toBeInstanceOf(RunFolder);
  });

  it('gives runs started in the same second their own folders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-run-'));
    dirs.push(dir);
    const base = defaultRunDir('seed-cnn', new Date('2026-12-05T10:00:00Z'), dir);
    const runs = await Promise.all([1, 2, 3].map(() => RunFolder.claim(base)));
    expect(new Set(runs.map((r) => r.dir)).size).toBe(3);
    expect(runs.map((r) => r.dir).sort()).toEqual([base, `${base}-2`, `${base}-3`]);
  });

  it('resumes only a folder that is a run, creating nothing elsewhere', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skelnorm-run-'));
    dirs.push(dir);
    await expect(RunFolder.existing(join(dir, 'nothing'))).rejects.toThrow(/--resume .*nothing: no config\.json there/);
    expect(await readdir(dir)).toEqual([]);
  });
});
