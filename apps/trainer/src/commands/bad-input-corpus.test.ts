import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors, type WriteEntry } from '@skelnorm/nn';
import { ntuSamplesDir } from '@skelnorm/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';

// The bad-input corpus: every case must end in a clear error (exit 1 or 2, a message that names
// what was wrong), never a stack trace, never a silent result, and nothing the user had is lost.

const TINY = ['--classes', '3', '--per-class', '8', '--frames', '16', '--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1'];

let root: string;
let run: string;
let skeletons: string;
let pack: string;
let checkpoint: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-corpus-'));
  run = join(root, 'run');
  skeletons = join(root, 'skeletons');
  pack = join(root, 'pack');
  expect(await main(['train', ...TINY, '--out', run], captureIO())).toBe(0);
  expect(await main(['synth', '--out', skeletons, '--classes', '3', '--per-class', '4'], captureIO())).toBe(0);
  expect(await main(['pack', skeletons, '--out', pack, '--frames', '16', '--no-missing'], captureIO())).toBe(0);
  checkpoint = join(run, 'checkpoints', (await readdir(join(run, 'checkpoints'))).filter((f) => f.endsWith('.safetensors')).sort().at(-1)!);
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the CLI and checks the common rules; returns stderr. */
async function refused(args: string[], codes: readonly number[] = [2]): Promise<string> {
  const io = captureIO();
  const code = await main(args, io);
  const err = io.stderr.join('\n');
  expect(codes, `exit ${code} for ${args.join(' ')}\n${io.stdout.join('\n')}\n${err}`).toContain(code);
  expect(err).not.toMatch(/\n\s+at [\w.<>]+ \(|node:internal/);
  expect(err.length).toBeGreaterThan(0);
  return err;
}

const FLAG_CASES: [string[], RegExp][] = [
  [['train', '--epochs', '0'], /--epochs must be >= 1, got 0/],
  [['train', '--epochs', '-1'], /--epochs must be >= 1/],
  [['train', '--epochs', '1.5'], /--epochs/],
  [['train', '--epochs', 'abc'], /--epochs expects a number, got 'abc'/],
  [['train', '--batch-size', '0'], /--batch-size must be >= 1/],
  [['train', '--lr', '-1'], /--lr must be >= 0/],
  [['train', '--lr', 'fast'], /--lr expects a number/],
  [['train', '--bn-momentum', '2'], /--bn-momentum expects a number in \[0, 1\]/],
  [['train', '--bn-momentum', 'x'], /--bn-momentum expects a number in \[0, 1\]/],
  [['train', '--dropout', '1'], /--dropout must be <= 0.99/],
  [['train', '--dropout', '-0.1'], /--dropout must be >= 0/],
  [['train', '--optimizer', 'rmsprop'], /--optimizer must be one of sgd\|adam\|adamw/],
  [['train', '--schedule', 'weird'], /--schedule must be one of/],
  [['train', '--backend', 'tpu'], /--backend must be one of/],
  [['train', '--split', 'ntu99'], /--split must be one of/],
  [['train', '--frames', '4'], /--frames must be >= 8/],
  [['train', '--classes', '1'], /--classes must be >= 2/],
  [['train', '--classes', '31'], /--classes must be <= 30/],
  [['train', '--per-class', '1'], /--per-class must be >= 2/],
  [['train', '--data-seed', '-1'], /--data-seed must be >= 0/],
  [['train', '--seed', '-1'], /--seed must be >= 0/],
  [['train', '--workers', '-1'], /--workers must be >= 0/],
  [['train', '--label-smoothing', '2'], /--label-smoothing must be <= 1/],
  [['train', '--clip-grad-norm', '-1'], /--clip-grad-norm must be >= 0/],
  [['train', '--model', 'nope'], /nope/],
  [['train', '--norm', 'weird'], /norm/],
  [['train', '--person-mode', 'sideways'], /personMode|person-mode/],
  [['train', '--momentum', '0.9'], /--momentum and --nesterov apply to --optimizer sgd/],
  [['train', '--norm', 'group', '--no-running-stats'], /--no-running-stats applies to BatchNorm/],
  [['train', '--norm', 'none', '--bn-momentum', '0.1'], /--bn-momentum applies to BatchNorm/],
  [['train', '--warmup-epochs', '5', '--epochs', '2'], /--warmup-epochs 5 is not shorter than the run/],
  [['train', '--data', 'x', '--classes', '3'], /--classes, --per-class and --data-seed describe the synthetic set/],
  [['train', '--preset', 'long'], /--preset must be one of seed/],
  [['train', '--coords', 'polar'], /--coords must be one of centred\|camera/],
  [['train', '--bogus'], /Unknown option '--bogus'/],
  [['train', 'extra'], /unexpected argument 'extra'/],
  [['train', '--data', '/nonexistent-skelnorm-data'], /--data \/nonexistent-skelnorm-data: no such file or folder/],
  [['train', '--resume', '/nonexistent-skelnorm-run'], /--resume \/nonexistent-skelnorm-run: no config\.json there/],
  [['eval'], /expected 1 argument, got 0/],
  [['eval', '/nonexistent-skelnorm.safetensors'], /no such file or folder: \/nonexistent-skelnorm\.safetensors/],
  [['eval', 'a', 'b'], /unexpected argument 'b'/],
  [['eval', 'x.safetensors', '--batch-size', '0'], /--batch-size must be >= 1/],
  [['doctor'], /expected 1 argument, got 0/],
  [['doctor', 'x.safetensors', '--repair'], /--repair needs --out FILE/],
  [['doctor', 'x.safetensors', '--out', 'y.safetensors'], /--out goes with --repair/],
  [['doctor', 'x.safetensors', '--batch-size', '1'], /--batch-size must be >= 2/],
  [['ablate', '--seeds', ','], /--seeds needs at least one seed/],
  [['ablate', '--seeds', 'a'], /--seeds expects non-negative integers, got 'a'/],
  [['ablate', '--seeds', '-1'], /--seeds expects non-negative integers/],
  [['ablate', '--variants', 'bogus'], /unknown variant bogus; known: /],
  [['ablate', '--bn-momentum', '2'], /--bn-momentum expects a number in \[0, 1\]/],
  [['pack', 'x'], /--out DIR is required/],
  [['pack', '--out', '/tmp/skelnorm-never'], /expected 1 argument/],
  [['pack', '/nonexistent-skelnorm-folder', '--out', '/tmp/skelnorm-never'], /nonexistent-skelnorm-folder/],
  [['pack', 'x', '--out', 'y', '--missing', 'm.txt', '--no-missing'], /--missing and --no-missing exclude each other/],
  [['synth'], /--out DIR is required/],
  [['synth', '--out', '/tmp/skelnorm-never', '--classes', '31'], /--classes must be <= 30/],
  [['synth', '--out', '/tmp/skelnorm-never', '--per-class', '0'], /--per-class must be >= 1/],
  [['trian'], /unknown command 'trian'/],
];

describe('the bad-input corpus', () => {
  it.each(FLAG_CASES)('flags: %j', async (args, message) => {
    expect(await refused(args)).toMatch(message);
  });

  // Broken .skeleton files (from a real one), through `inspect`: exit 1, file and line named.
  const real = () => readFile(join(ntuSamplesDir(), 'S001C001P001R001A001.skeleton'), 'utf8');
  const lines = async () => (await real()).split('\r\n');
  const SKELETON_CASES: [string, () => Promise<string>, RegExp][] = [
    ['empty file', async () => '', /:1: expected the frame count/],
    ['only blanks', async () => '  \r\n\r\n', /:1: expected/],
    ['a negative frame count', async () => ['-5', ...(await lines()).slice(1)].join('\r\n'), /:1: expected a non-negative frame count/],
    ['a frame count beyond the file', async () => ['999999999', ...(await lines()).slice(1)].join('\r\n'), /:1: expected a frame count that fits the file/],
    ['letters for the frame count', async () => ['frames', ...(await lines()).slice(1)].join('\r\n'), /:1: expected the frame count/],
    ['50 bodies in a frame', async () => (await lines()).map((l, i) => (i === 1 ? '50' : l)).join('\r\n'), /:2: expected a body count between 0 and 6/],
    ['24 joints', async () => (await lines()).map((l, i) => (i === 3 ? '24' : l)).join('\r\n'), /:4: expected the joint count 25/],
    ['letters for x', async () => (await lines()).map((l, i) => (i === 9 ? l.replace(/^\S+/, 'abc') : l)).join('\r\n'), /:10: expected x, field 1 of 12/],
    ['NaN for y', async () => (await lines()).map((l, i) => (i === 11 ? l.replace(/ \S+ /, ' NaN ') : l)).join('\r\n'), /:12: expected y, field 2 of 12/],
    ['1e999 for x', async () => (await lines()).map((l, i) => (i === 8 ? l.replace(/^\S+/, '1e999') : l)).join('\r\n'), /:9: expected x, field 1 of 12 \(a finite number/],
    ['1e39 for y (beyond float32)', async () => (await lines()).map((l, i) => (i === 8 ? l.replace(/ \S+ /, ' 1e39 ') : l)).join('\r\n'), /:9: expected y, field 2 of 12 \(a number within float32's range/],
    ['-1e300 for x', async () => (await lines()).map((l, i) => (i === 10 ? l.replace(/^\S+/, '-1e300') : l)).join('\r\n'), /:11: expected x, field 1 of 12 \(a number within float32's range/],
    ['trackingState 300', async () => (await lines()).map((l, i) => (i === 8 ? l.replace(/ \d+$/, ' 300') : l)).join('\r\n'), /:9: expected trackingState 0-255/],
    ['a missing number', async () => (await lines()).map((l, i) => (i === 6 ? l.replace(/ \S+$/, '') : l)).join('\r\n'), /:7: expected/],
    ['an extra number', async () => (await lines()).map((l, i) => (i === 6 ? `${l} 7` : l)).join('\r\n'), /:7: expected end of line after 12 numbers/],
    ['a short body line', async () => (await lines()).map((l, i) => (i === 2 ? '72057594037931101 0 1 1 1 1 0 0.1' : l)).join('\r\n'), /:3: expected leanY/],
    ['a tracking id with letters', async () => (await lines()).map((l, i) => (i === 2 ? l.replace(/^\d+/, '7205x') : l)).join('\r\n'), /:3: expected a tracking id/],
    ['text after the last frame', async () => `${await real()}garbage\r\n`, /expected end of file after the 103 frames/],
    ['truncated after a frame', async () => (await lines()).slice(0, 30).join('\r\n') + '\r\n', /:31: expected .*frame 2 of 103.*file truncated/],
    ['truncated in a joint line', async () => (await real()).slice(0, 3000), /expected .*(truncated|field)/],
    ['CR-only line ends', async () => (await real()).replace(/\r\n/g, '\r'), /a lone carriage return \(CR-only line ends/],
    ['binary junk', async () => String.fromCharCode(...Array.from({ length: 200 }, (_, i) => (i * 151 + 7) % 256)), /:1: expected the frame count/],
  ];
  it.each(SKELETON_CASES)('.skeleton: %s', async (_name, make, message) => {
    const file = join(root, 'broken', `S001C001P001R001A001.skeleton`);
    await mkdir(join(root, 'broken'), { recursive: true });
    await writeFile(file, await make(), 'latin1');
    const err = await refused(['inspect', file], [1]);
    expect(err).toContain(file);
    expect(err).toMatch(message);
  });

  // Packed data through `train --data`: refused before training, the file and field named.
  const DATA_CASES: [string, (dir: string) => Promise<void>, RegExp][] = [
    ['a label of -1', (d) => editList(d, (l) => (l.label[1] = -1)), /samples\.json: sample 1 .*label -1 is not a class index/],
    ['a label of 2.5', (d) => editList(d, (l) => (l.label[1] = 2.5)), /label 2\.5 is not a class index/],
    ['a label of null', (d) => editList(d, (l) => (l.label[1] = null)), /label null is not a class index/],
    ['a label of "3"', (d) => editList(d, (l) => (l.label[1] = '3')), /label "3" is not a class index/],
    ['a label of 999', (d) => editList(d, (l) => (l.label[1] = 999)), /label 999 is beyond the 120 classes/],
    ['samples.json not JSON', (d) => writeFile(join(d, 'samples.json'), '{ nope'), /samples\.json: not valid JSON/],
    ['sample_name not a list', (d) => editList(d, (l) => (l.sample_name = 'x')), /"sample_name" must be an array of strings/],
    ['no labels', (d) => editList(d, (l) => delete l.label), /"label" must be an array of integers/],
    ['one label short', (d) => editList(d, (l) => l.label.pop()), /samples\.json: 12 names and 11 labels for 12 samples/],
    ['a shape that is not the data\'s', (d) => editList(d, (l) => (l.shape[2] = 32)), /the two files do not belong together/],
    ['Infinity in data.npy', (d) => poke(join(d, 'data.npy'), 7, Infinity), /data\.npy: sample 0 .* holds Infinity at flat index 7/],
    ['NaN in data.npy', (d) => poke(join(d, 'data.npy'), 3 * 16 * 25 * 2 + 1, NaN), /data\.npy: sample 1 .* holds NaN/],
    ['a truncated data.npy', (d) => truncate(join(d, 'data.npy'), 500), /data\.npy: truncated: \d+ data bytes, expected 115200 for <f4 \(12, 3, 16, 25, 2\)/],
    ['data.npy not an .npy', (d) => writeFile(join(d, 'data.npy'), 'hello'), /data\.npy/],
  ];
  it.each(DATA_CASES)('pack export: %s', async (name, spoil, message) => {
    const dir = join(root, `pack-${name.replace(/\W+/g, '-')}`);
    await mkdir(dir);
    for (const f of ['data.npy', 'samples.json']) await copyFile(join(pack, f), join(dir, f));
    await spoil(dir);
    expect(await refused(['train', ...TINY.filter((a, i, all) => !['--classes', '--per-class'].includes(a) && !['--classes', '--per-class'].includes(all[i - 1]!)), '--data', dir, '--out', join(dir, 'run')])).toMatch(message);
  });

  it.each([
    ['an empty folder', async (d: string) => {}, /no \.skeleton files, no sample cache/],
    ['only a stray .bin', async (d: string) => writeFile(join(d, 'x.bin'), 'junk'), /no \.skeleton files, no sample cache/],
    ['only broken .skeleton files', async (d: string) => writeFile(join(d, 'S001C001P001R001A001.skeleton'), '1\n1\nx\n'), /no usable \.skeleton file \(1 bad\)/],
  ])('data folder: %s', async (name, fill, message) => {
    const dir = join(root, `folder-${name.replace(/\W+/g, '-')}`);
    await mkdir(dir);
    await fill(dir);
    expect(await refused(['train', '--backend', 'wasm', '--workers', '1', '--data', dir, '--out', join(root, `run-${name.replace(/\W+/g, '-')}`)])).toMatch(message);
  });

  // Checkpoints through `eval`: refused with the file named; no invented accuracy.
  const CHECKPOINT_CASES: [string, (file: string) => Promise<void>, RegExp, number[]][] = [
    ['an empty file', (f) => writeFile(f, ''), /too short for a safetensors file/, [1]],
    ['random bytes', (f) => writeFile(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256))), /safetensors|header/, [1]],
    ['a truncated checkpoint', async (f) => truncate(f, 5000), /truncated|too short|bytes/, [1]],
    ['a NaN weight', (f) => spoilTensor(f, 'model.conv1.0.weight', NaN), /1 tensor with invalid values: model\.conv1\.0\.weight\[2\] = NaN/, [1]],
    ['an infinite bias', (f) => spoilTensor(f, 'model.fc2.0.bias', -Infinity), /model\.fc2\.0\.bias\[2\] = -Infinity/, [1]],
    ['a negative running_var', (f) => spoilTensor(f, 'model.conv1.1.running_var', -1), /model\.conv1\.1\.running_var\[2\] = -1 \(a variance must be >= 0\)/, [1]],
    ['JSON instead of weights', (f) => writeFile(f, '{"model": "seed-cnn"}'), /safetensors|header/, [1]],
  ];
  it.each(CHECKPOINT_CASES)('checkpoint: %s', async (name, spoil, message, codes) => {
    const file = join(root, `ck-${name.replace(/\W+/g, '-')}.safetensors`);
    await copyFile(checkpoint, file);
    await spoil(file);
    const err = await refused(['eval', file, '--backend', 'wasm'], codes);
    expect(err).toContain(file);
    expect(err).toMatch(message);
  });

  // Existing outputs: refused, and what was there is still there, byte for byte.
  it('existing outputs are never replaced or mixed without --force', async () => {
    const config = await readFile(join(run, 'config.json'));
    expect(await refused(['train', ...TINY, '--out', run])).toMatch(/already holds/);
    expect(await refused(['ablate', '--out', run, '--seeds', '0', '--variants', 'no-norm'])).toMatch(/already holds/);
    expect(await readFile(join(run, 'config.json'))).toEqual(config);

    const before = await readFile(join(skeletons, (await readdir(skeletons)).find((f) => f.endsWith('.skeleton'))!));
    expect(await refused(['synth', '--out', skeletons, '--classes', '3', '--per-class', '4'])).toMatch(/already holds/);
    expect(await readFile(join(skeletons, (await readdir(skeletons)).find((f) => f.endsWith('.skeleton'))!))).toEqual(before);

    const ckBytes = await readFile(checkpoint);
    expect(await refused(['doctor', run, '--backend', 'wasm', '--repair', '--force', '--out', checkpoint])).toMatch(/is this command's input/);
    expect(await readFile(checkpoint)).toEqual(ckBytes);
    const other = join(root, 'mine.safetensors');
    await writeFile(other, 'keep me');
    expect(await refused(['doctor', run, '--backend', 'wasm', '--repair', '--out', other])).toMatch(/exists; choose another file or add --force/);
    expect(await readFile(other, 'utf8')).toBe('keep me');

    expect(await refused(['eval', run, '--backend', 'wasm', '--json', other])).toMatch(/--json .*mine\.safetensors exists; choose another file or add --force/);
    expect(await refused(['bench', '--out', other, '--no-torch'])).toMatch(/--out .*mine\.safetensors exists; choose another file or add --force/);
    expect(await readFile(other, 'utf8')).toBe('keep me');

    const packData = await readFile(join(pack, 'data.npy'));
    expect(await refused(['pack', skeletons, '--out', pack, '--frames', '16', '--no-missing'])).toMatch(/already holds a pack export/);
    expect(await refused(['pack', skeletons, '--out', skeletons, '--force', '--no-missing'])).toMatch(/not only a pack export/);
    expect(await readFile(join(pack, 'data.npy'))).toEqual(packData);
  });

  // Other projects' data through `train --data`, made by numpy and pickle themselves (python3-numpy,
  // installed by `.ci/run`; missing, these fail): refused before training, the file and what was
  // expected named, no file written, nothing in a pickle run.
  const STGCN_CASES: [string, string, (dir: string) => Promise<unknown>, RegExp][] = [
    ['a class reference in the labels', "labels[1] = collections.OrderedDict()", async () => {}, /train_label\.pkl: byte \d+: opcode STACK_GLOBAL \(a reference to the class collections\.OrderedDict\) is not allowed: this reader builds only lists, tuples, str and int/],
    ['an os.system payload', "labels[1] = Evil()", async () => {}, /train_label\.pkl: byte \d+: opcode STACK_GLOBAL \(a reference to the class (posix|os)\.system\) is not allowed.*nothing in the file was run/],
    ['numpy int64 labels', "labels = [np.int64(x) for x in labels]", async () => {}, /train_label\.pkl: byte \d+: .*numpy\._?core\.multiarray\.scalar.*save plain Python ints, e\.g\. pickle\.dump\(\(sample_name, list\(map\(int, labels\)\)\), f\)/],
    ['a truncated label pickle', '', (d) => truncate(join(d, 'train_label.pkl'), 30), /train_label\.pkl: byte \d+: .*truncated/],
    ['one label too few', 'names, labels = names[:-1], labels[:-1]', async () => {}, /train_label\.pkl: 7 labels for the 8 samples of .*train_data_joint\.npy; expected one per sample/],
    ['a label beyond NTU\'s classes', 'labels[2] = 120', async () => {}, /train_label\.pkl: sample 2 \(S001C001P003R001A003\.skeleton\): label 120 is beyond the 120 classes/],
    ['a repeated sample name', 'names[5] = names[4]', async () => {}, /train_label\.pkl: sample_name\[5\] .* repeats sample_name\[4\]; expected unique names/],
    ['18 joints', 'data = data[:, :, :, :18]', async () => {}, /train_data_joint\.npy: <f4 \(8, 3, 16, 18, 2\); expected float32 \(<f4, C order\) of shape \(N, 3, T, V, M\).* with V = 25 .* or 17/],
    ['a truncated data file', '', (d) => truncate(join(d, 'train_data_joint.npy'), 4000), /train_data_joint\.npy: truncated: 4000 bytes, expected \d+ for float32 \(8, 3, 16, 25, 2\)/],
    ['a NaN coordinate', 'data[3, 2, 5, 7, 0] = np.nan', async () => {}, /train_data_joint\.npy: sample 3 \(S001C001P004R001A001\.skeleton\) holds NaN at \(c=2, t=5, v=7, m=0\)/],
  ];
  const NPZ_CASES: [string, string, (file: string) => Promise<unknown>, RegExp][] = [
    ['a truncated .npz', '', (f) => truncate(f, 5000), /data\.npz: no zip end-of-central-directory record in its last bytes; expected a \.npz .*truncated or not an \.npz/],
    ['a bad CRC', '', (f) => flipByte(f, 0.3), /data\.npz: member x_train\.npy: CRC-32 0x[0-9a-f]{8} does not match the 0x[0-9a-f]{8} recorded in the archive/],
    ['a row that is not one-hot', 'y_train[2, 0] = 1', async () => {}, /data\.npz: y_train: row 2 \(x_train\[2\]\) has a 1 at columns 0 and 2; expected one-hot rows \(exactly one 1\)/],
    ['labels instead of one-hot', 'y_test = y_test.argmax(1)', async () => {}, /data\.npz: y_test has shape \(4\); expected \(N, classes\), one-hot/],
    ['x in ST-GCN\'s layout', 'x_train = x_train.reshape(8, 16, 2, 25, 3).transpose(0, 4, 1, 3, 2)', async () => {}, /data\.npz: x_train has shape \(8, 3, 16, 25, 2\); expected \(N, T, M\*25\*3\)/],
    ['N of x and y differ', 'y_train = y_train[:7]', async () => {}, /data\.npz: x_train has 8 samples but y_train has 7 rows; expected one one-hot row per sample/],
  ];
  const trainOn = (data: string, out: string) => ['train', '--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1', '--data', data, '--out', out];
  it.each(STGCN_CASES)('ST-GCN data: %s', async (name, edit, spoil, message) => {
    const dir = join(root, `stgcn-${name.replace(/\W+/g, '-')}`);
    const marker = join(dir, 'pwned');
    writeOtherFormat('stgcn', dir, edit, marker);
    await spoil(dir);
    const out = join(dir, 'run');
    expect(await refused(trainOn(dir, out))).toMatch(message);
    expect(await filesUnder(out)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });
  it.each(NPZ_CASES)('CTR-GCN .npz: %s', async (name, edit, spoil, message) => {
    const dir = join(root, `npz-${name.replace(/\W+/g, '-')}`);
    writeOtherFormat('npz', dir, edit);
    await spoil(join(dir, 'data.npz'));
    const out = join(dir, 'run');
    expect(await refused(trainOn(join(dir, 'data.npz'), out))).toMatch(message);
    expect(await filesUnder(out)).toEqual([]);
  });
  it.each([
    ['an .npy not named <split>_data_joint.npy', async (d: string) => writeFile(join(d, 'joints.npy'), 'x'), 'joints.npy', /joints\.npy: an \.npy file is read as ST-GCN data named <split>_data_joint\.npy/],
    ['two .npz files', async (d: string) => Promise.all([writeFile(join(d, 'NTU60_CS.npz'), 'x'), writeFile(join(d, 'NTU60_CV.npz'), 'x')]), '', /2 \.npz files \(NTU60_CS\.npz, NTU60_CV\.npz\); give the one to use as --data FILE/],
    ['train without val', async (d: string) => writeFile(join(d, 'train_data_joint.npy'), 'x').then(() => writeFile(join(d, 'xview_data_joint.npy'), 'x')), '', /ST-GCN data files train_data_joint\.npy, xview_data_joint\.npy without a train_data_joint\.npy \+ val_data_joint\.npy pair/],
    ['a data file without its label pickle', async (d: string) => writeFile(join(d, 'val_data_joint.npy'), 'x'), '', /val_data_joint\.npy: its labels are expected in .*val_label\.pkl/],
  ])('other data: %s', async (name, fill, file, message) => {
    const dir = join(root, `other-${name.replace(/\W+/g, '-')}`);
    await mkdir(dir);
    await fill(dir);
    expect(await refused(trainOn(join(dir, file), join(dir, 'run')))).toMatch(message);
  });
});

/**
 * ST-GCN's `train_`/`val_data_joint.npy` + `_label.pkl` (8 and 4 samples, T 16, 3 classes) or
 * CTR-GCN's `data.npz` (the same shapes), with `edit` (Python) applied to the train split before
 * saving. `Evil()` pickles as an `os.system` call that would create `marker`.
 */
function writeOtherFormat(kind: 'stgcn' | 'npz', dir: string, edit: string, marker = '/nonexistent'): void {
  const python = '/usr/bin/python3';
  expect(existsSync(python), `${python} is needed (apt-get install python3-numpy)`).toBe(true);
  const script = `
import collections, os, pickle, sys, numpy as np
kind, folder, marker = sys.argv[1], sys.argv[2], sys.argv[3]
class Evil:
    def __reduce__(self): return (os.system, ('touch ' + marker,))
os.makedirs(folder)
rng = np.random.default_rng(1)
for split, n in (('train', 8), ('val', 4)):
    data = rng.standard_normal((n, 3, 16, 25, 2)).astype(np.float32)
    names = ['S001C001P%03dR001A%03d.skeleton' % (i + 1, i % 3 + 1) for i in range(n)]
    labels = [i % 3 for i in range(n)]
    x = data.transpose(0, 2, 4, 3, 1).reshape(n, 16, 150)
    y = np.eye(3)[labels]
    if split == 'train':
        x_train, y_train = x, y
    else:
        x_test, y_test = x, y
    if kind == 'stgcn':
        if split == 'train':
${edit.replace(/^/gm, '            ')}
            pass
        np.save('%s/%s_data_joint.npy' % (folder, split), data)
        with open('%s/%s_label.pkl' % (folder, split), 'wb') as f:
            pickle.dump((names, list(labels)), f)
if kind == 'npz':
${edit.replace(/^/gm, '    ')}
    np.savez(folder + '/data.npz', x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
`;
  execFileSync(python, ['-c', script, kind, dir, marker]);
}

/** Flips one byte at `fraction` of the file (inside x_train's stored data for a small np.savez). */
async function flipByte(file: string, fraction: number): Promise<void> {
  const bytes = await readFile(file);
  bytes[Math.floor(bytes.length * fraction)]! ^= 0x10;
  await writeFile(file, bytes);
}

/** Files (not folders) under `dir`, if it exists. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => !e.isDirectory()).map((e) => e.name);
}

async function editList(dir: string, edit: (list: Record<string, any>) => unknown): Promise<void> {
  const path = join(dir, 'samples.json');
  const list = JSON.parse(await readFile(path, 'utf8'));
  edit(list);
  await writeFile(path, JSON.stringify(list));
}

async function poke(npyPath: string, index: number, value: number): Promise<void> {
  const bytes = new Uint8Array(await readFile(npyPath));
  const headerEnd = 10 + (bytes[8]! | (bytes[9]! << 8));
  new DataView(bytes.buffer).setFloat32(headerEnd + 4 * index, value, true);
  await writeFile(npyPath, bytes);
}

async function spoilTensor(file: string, key: string, value: number): Promise<void> {
  const parsed = readSafetensors(new Uint8Array(await readFile(file)));
  parsed.tensors[key]!.data[2] = value;
  const entries: Record<string, WriteEntry> = Object.fromEntries(
    Object.entries(parsed.tensors).map(([name, raw]) => [name, { fileDtype: raw.fileDtype === 'I64' ? 'I64' : raw.fileDtype === 'I32' ? 'I32' : 'F32', shape: raw.shape, data: raw.data }]),
  );
  await writeFile(file, writeSafetensors(entries, parsed.metadata));
}
