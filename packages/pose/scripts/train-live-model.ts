// The small default live model: `skelnorm train --layout ntu25-live` (a seed CNN on the built-in
// synthetic set with the live synthesis), its model exported (`skelnorm export`: weights without the
// optimizer state) to the web app's apps/web/public/models/live/model.safetensors (gitignored: build
// output is never committed).
//
//   npm run live-model                      (from the repository root; about 1 minute on 2 cores)
//   npm run live-model -- --epochs 30       (extra flags go to `skelnorm train` and win)
//
// A dev script, not part of the package: it runs the CLI from sources as a child process (packages
// never import apps), so it needs the workspace installed, not built.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticClasses } from '@skelnorm/data';
import { writeFileAtomic } from '@skelnorm/data/node';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = join(root, 'apps/trainer/src/test-support/run-cli.ts');
const run = join(root, 'runs/live-model');
const served = join(root, 'apps/web/public/models/live');

/**
 * T = 32: as every `skelnorm train` sample, each whole synthetic action (48-163 frames at 30 fps,
 * median 90, about 3 s) is resampled to T, so a model frame spans about 3 recorded frames: the web
 * app runs the live ring at `trainedFrameRate(32)` (about 10.7 fps) to show it the same time scale. GroupNorm so that the short run has no BatchNorm running-statistics lag (with the
 * seed's BatchNorm at momentum 0.01 the same run tests at about 10%). 20 epochs with a cosine
 * schedule (a steady last epoch) of the default 12 classes x 48 samples.
 */
const TRAIN = ['--layout', 'ntu25-live', '--model', 'seed-cnn', '--norm', 'group', '--frames', '32', '--epochs', '20', '--schedule', 'cosine', '--backend', 'wasm'];

const args = ['train', ...TRAIN, ...process.argv.slice(2), '--out', run, '--force'];

/** Runs the CLI from sources; exits this script with its code if it fails. */
async function skelnorm(cliArgs: readonly string[]): Promise<void> {
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', cli, ...cliArgs], { cwd: root, stdio: 'inherit' });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    console.error(`live-model: skelnorm ${cliArgs[0]} exited with ${code}`);
    process.exit(code);
  }
}

const started = performance.now();
await skelnorm(args);
const seconds = (performance.now() - started) / 1000;

const metrics = (await readFile(join(run, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const done = metrics.findLast((m) => m['type'] === 'done') as { lastEval?: { top1: number; top5: number; count: number } } | undefined;
const checkpoints = (await readdir(join(run, 'checkpoints'))).filter((f) => f.endsWith('.safetensors')).sort();
const last = checkpoints.at(-1);
if (!last || !done?.lastEval) throw new Error(`live-model: ${run} has no final checkpoint or evaluation`);

await mkdir(served, { recursive: true });
// The model alone (no Adam state): a third of the checkpoint's size for the browser to fetch.
await skelnorm(['export', run, '--out', join(served, 'model.safetensors'), '--force', '--backend', 'wasm']);
const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8')) as { data: { kind: string; classes?: number }; frames: number };
const summary = {
  command: `skelnorm ${args.map((a) => (a === run ? relative(root, run) : a)).join(' ')}`,
  checkpoint: relative(root, join(run, 'checkpoints', last)),
  testTop1: done.lastEval.top1,
  testTop5: done.lastEval.top5,
  testSamples: done.lastEval.count,
  seconds: Math.round(seconds),
  frames: config.frames,
  // The checkpoint records the class count, not the names: the synthetic set's, in label order.
  ...(config.data.kind === 'synthetic' ? { classNames: syntheticClasses(config.data.classes ?? 12).map((c) => c.name) } : {}),
};
await writeFileAtomic(join(served, 'live-model.json'), JSON.stringify(summary, null, 2) + '\n');
console.log(
  `live-model: synthetic test accuracy ${(100 * done.lastEval.top1).toFixed(1)}% top-1, ${(100 * done.lastEval.top5).toFixed(1)}% top-5 ` +
    `(${done.lastEval.count} samples), ${seconds.toFixed(0)} s; wrote ${relative(root, join(served, 'model.safetensors'))}`,
);
