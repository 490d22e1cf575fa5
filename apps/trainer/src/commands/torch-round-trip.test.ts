import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldenDir, toleranceRatio } from '@skelnorm/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@skelnorm/backends';
import { createModel, exportTorchCheckpoint } from '@skelnorm/models';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';

// Issue 12's acceptance: a PyTorch user's state dict goes through skelnorm and back. PyTorch
// (Debian's python3-torch, which `.ci/run` installs; missing, these tests fail, never skip) trains
// the seed model and official-layout ST-GCN for a few steps on a synthetic set that skelnorm
// wrote; `skelnorm eval` must give PyTorch's logits, and `doctor --repair` must write a file that
// the unchanged PyTorch module loads with strict=True and evaluates as skelnorm does. The modules
// are test fixtures in test/torch/, each proven first against its golden file.

const python = '/usr/bin/python3';
const script = fileURLToPath(new URL('../../test/torch/round_trip.py', import.meta.url));
const run = promisify(execFile);

interface Scores {
  readonly samples: readonly { readonly name: string; readonly label: number; readonly logits: readonly number[] }[];
}

async function pytorch(...args: string[]): Promise<string> {
  try {
    return (await run(python, [script, ...args], { maxBuffer: 1 << 24 })).stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`round_trip.py ${args[0]} failed: ${(stderr ?? message).trim().split('\n').slice(-6).join('\n')}`);
  }
}

async function skelnorm(...argv: string[]): Promise<string> {
  const io = captureIO();
  const code = await main(argv, io);
  expect(code, `skelnorm ${argv.join(' ')}:\n${io.text()}`).toBe(0);
  return io.stdout.join('\n');
}

const readScores = async (path: string): Promise<Scores> => JSON.parse(await readFile(path, 'utf8')) as Scores;

/**
 * skelnorm's scores against PyTorch's, joined by sample name: every skelnorm sample must be one of
 * PyTorch's with the same label and logits within the golden tolerance.
 */
function compareScores(ours: Scores, theirs: Scores): { ratio: number; maxAbs: number; maxRel: number } {
  const byName = new Map(theirs.samples.map((s) => [s.name, s]));
  let ratio = 0;
  let maxAbs = 0;
  let maxRel = 0;
  for (const sample of ours.samples) {
    const reference = byName.get(sample.name);
    expect(reference, `${sample.name} is not among PyTorch's samples`).toBeDefined();
    expect(sample.label, sample.name).toBe(reference!.label);
    expect(sample.logits.length, sample.name).toBe(reference!.logits.length);
    ratio = Math.max(ratio, toleranceRatio(sample.logits, reference!.logits));
    sample.logits.forEach((v, i) => {
      const e = reference!.logits[i]!;
      maxAbs = Math.max(maxAbs, Math.abs(v - e));
      maxRel = Math.max(maxRel, Math.abs(v - e) / Math.abs(e));
    });
  }
  return { ratio, maxAbs, maxRel };
}

let root: string;
beforeAll(async () => {
  expect(existsSync(python), `${python} is needed (apt-get install python3-torch)`).toBe(true);
  const torch = await run(python, ['-c', 'import torch; print(torch.__version__)']).catch((error: { stderr?: string }) => {
    throw new Error(`${python} cannot import torch (apt-get install python3-torch): ${error.stderr?.trim().split('\n').at(-1)}`);
  });
  expect(torch.stdout).toMatch(/^\d+\.\d+/);
  root = await mkdtemp(join(tmpdir(), 'skelnorm-torch-'));
  // Six classes (the sixth, handshaking, has two persons) of six samples: both splits populated.
  await skelnorm('synth', '--out', join(root, 'skeletons'), '--classes', '6', '--per-class', '6', '--seed', '3');
  await skelnorm('pack', join(root, 'skeletons'), '--out', join(root, 'T64'), '--frames', '64');
  // ST-GCN's state dict does not depend on T; 16 frames keep its CPU time in PyTorch (reference
  // BLAS) and in the wasm backend a few seconds.
  await skelnorm('pack', join(root, 'skeletons'), '--out', join(root, 'T16'), '--frames', '16');
}, 120_000);
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const CASES = [
  { model: 'seed-cnn', golden: 'seed_model_bn.safetensors', data: 'T64', steps: '4', batch: '16', config: /"norm":"batch".*"frames":64/ },
  { model: 'stgcn', golden: 'stgcn_official.safetensors', data: 'T16', steps: '3', batch: '8', config: /"dataNorm":"VC"/ },
] as const;

/** skelnorm's scores file against PyTorch's: at least one sample, all within the golden tolerance. */
async function expectPyTorchLogits(oursPath: string, theirsPath: string): Promise<void> {
  const ours = await readScores(oursPath);
  expect(ours.samples.length).toBeGreaterThan(0);
  const { ratio, maxAbs, maxRel } = compareScores(ours, await readScores(theirsPath));
  expect(ratio, `largest difference ${maxAbs.toExponential(2)} absolute, ${maxRel.toExponential(2)} relative`).toBeLessThanOrEqual(1);
}

describe.each(CASES)('a $model state dict round trip through PyTorch', ({ model, golden, data, steps, batch, config }) => {
  const file = (name: string) => join(root, `${model}-${name}`);
  const dataDir = () => join(root, data);

  beforeAll(async () => {
    await pytorch('train', model, dataDir(), file('trained.safetensors'), file('torch.json'), '--steps', steps, '--batch-size', batch);
  }, 180_000);

  it('the PyTorch module replays its golden file (outputs and BatchNorm buffers)', async () => {
    expect(await pytorch('golden', model, join(goldenDir(), golden))).toMatch(/replays the golden file/);
  }, 120_000);

  it('skelnorm eval gives the logits of the state dict that PyTorch trained', async () => {
    const text = await skelnorm('eval', file('trained.safetensors'), '--model', model, '--data', dataDir(), '--scores', file('skelnorm.json'), '--backend', 'wasm');
    expect(text).toMatch(new RegExp(`^model: ${model} .*${config.source}`, 'm'));
    await expectPyTorchLogits(file('skelnorm.json'), file('torch.json'));
  }, 180_000);

  it('doctor --repair writes a state dict that the unchanged PyTorch module loads with strict=True and evaluates as skelnorm does', async () => {
    const repaired = file('repaired.safetensors');
    await skelnorm('doctor', file('trained.safetensors'), '--model', model, '--data', dataDir(), '--repair', '--out', repaired, '--backend', 'wasm');
    // round_trip.py eval loads with strict=True and checks the dtypes.
    await pytorch('eval', model, repaired, dataDir(), file('repaired-torch.json'));
    await skelnorm('eval', repaired, '--model', model, '--data', dataDir(), '--scores', file('repaired-skelnorm.json'), '--backend', 'wasm');
    await expectPyTorchLogits(file('repaired-skelnorm.json'), file('repaired-torch.json'));
    // The repair changed the statistics; otherwise this test would only repeat the one before.
    const changed = compareScores(await readScores(file('repaired-torch.json')), await readScores(file('torch.json')));
    expect(changed.ratio).toBeGreaterThan(1);
  }, 300_000);
});

describe("the doctor's per-person file in PyTorch", () => {
  it('loads with strict=True into the README\'s SlotBatchNorm2d seed model, which evaluates it as skelnorm does', async () => {
    // What doctor --repair writes beside FILE when per-slot statistics win: a per-person-stats seed
    // CNN. Its slots are given different statistics here, so that using the wrong one shows.
    await setupBackend({ prefer: 'wasm' });
    const model = createModel('seed-cnn', { personMode: 'per-person-stats', numClasses: 60, frames: 64 });
    const state = model.stateDict();
    const shifted = Object.fromEntries(
      Object.entries(state).map(([k, t]) => [k, k.endsWith('running_mean_slot1') ? tf.add(t, 0.3) : k.endsWith('running_var_slot1') ? tf.mul(t, 2) : t.clone()]),
    );
    model.loadStateDict(shifted);
    tf.dispose([...Object.values(state), ...Object.values(shifted)]);
    const perPerson = join(root, 'seed.per-person.safetensors');
    await writeFile(perPerson, await exportTorchCheckpoint(model));
    model.dispose();
    const script = fileURLToPath(new URL('../../test/torch/per_person.py', import.meta.url));
    await run(python, [script, perPerson, join(root, 'T64'), join(root, 'per-person-torch.json'), '--classes', '60', '--frames', '64']);
    await skelnorm('eval', perPerson, '--data', join(root, 'T64'), '--scores', join(root, 'per-person-skelnorm.json'), '--backend', 'wasm');
    await expectPyTorchLogits(join(root, 'per-person-skelnorm.json'), join(root, 'per-person-torch.json'));
  }, 180_000);
});

