import { mkdtemp, readFile, readdir, rm, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderRunReport } from '../report/run-report.js';
import { emptyHistory, epochRecord } from '../report/run-history.js';
import { parseXml } from '../test-support/xml.js';
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
    expect((await readdir(run.dir)).some((f) => f.includes('.tmp-'))).toBe(false);
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
    const stepCurve = /<polyline points="([^"]+)"/.exec(report.files['loss.svg']!)![1]!;
    expect(stepCurve.split(' ').length).toBeLessThanOrEqual(400);
  });
});
