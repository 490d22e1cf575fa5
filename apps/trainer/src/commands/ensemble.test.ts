import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { captureIO } from '../test-support/capture-io.js';

const TINY = ['--classes', '3', '--per-class', '12', '--frames', '16', '--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--workers', '1'];
const LN3 = Math.log(3);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skelnorm-ensemble-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Sample {
  name: string;
  label: number;
  logits: number[];
}
const scoreFile = async (path: string, samples: readonly Sample[], numClasses = 2) => {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, JSON.stringify({ checkpoint: 'x', data: 'hand-made', numClasses, samples }));
};
const exists = (path: string) => stat(path).then(() => true, () => false);

// Two streams on four samples. Alone each gets 2 of 4 right (a: s1, s2; b: s3, s4); fused 2:1
// (probabilities 0.25/0.75 each way) they get 3: s1 [2*.75+.25, 2*.25+.75] -> 0, s2 likewise -> 1,
// s3 [2*.25+.75, 2*.75+.25] -> 1 (wrong), s4 [2*0.5+0.25, 2*0.5+0.75] -> 1 (right).
const A: Sample[] = [
  { name: 'S001C001P001R001A001', label: 0, logits: [LN3, 0] },
  { name: 'S001C001P001R001A002', label: 1, logits: [0, LN3] },
  { name: 'S001C001P002R001A001', label: 0, logits: [0, LN3] },
  { name: 'S001C001P002R001A002', label: 1, logits: [0, 0] },
];
const B: Sample[] = [
  { name: 'S001C001P001R001A001', label: 0, logits: [0, LN3] },
  { name: 'S001C001P001R001A002', label: 1, logits: [LN3, 0] },
  { name: 'S001C001P002R001A001', label: 0, logits: [LN3, 0] },
  { name: 'S001C001P002R001A002', label: 1, logits: [0, LN3] },
];

describe('skelnorm ensemble on score files', () => {
  it('fuses by sample name: score files in different orders give what the same files in the same order give', async () => {
    const same = join(root, 'ordered');
    const shuffled = join(root, 'shuffle');
    await scoreFile(join(same, 'joint.json'), A);
    await scoreFile(join(same, 'bone.json'), B);
    await scoreFile(join(shuffled, 'joint.json'), [A[2]!, A[0]!, A[3]!, A[1]!]);
    await scoreFile(join(shuffled, 'bone.json'), [...B].reverse());
    const outputs = []; // same-length folder names, so the printed columns line up alike
    for (const dir of [same, shuffled]) {
      const io = captureIO();
      const out = join(dir, 'fusion');
      expect(await main(['ensemble', join(dir, 'joint.json'), join(dir, 'bone.json'), '--weights', '2,1', '--out', out], io), io.text()).toBe(0);
      outputs.push({ text: io.stdout.join('\n').replaceAll(dir, 'DIR'), fused: JSON.parse(await readFile(join(out, 'fused-scores.json'), 'utf8')), report: await readFile(join(out, 'report.md'), 'utf8') });
    }
    const [inOrder, reordered] = outputs;
    expect(inOrder!.text).toMatch(/^fusion: softmax probabilities, weighted sum \(PYSKL\); 4 test samples of 2 classes, joined by name$/m);
    expect(inOrder!.text).toMatch(/^ {2}DIR\/joint\.json\s+weight 2\s+top-1 +50\.0%\s+top-5 100\.0%$/m);
    expect(inOrder!.text).toMatch(/^ {2}DIR\/bone\.json\s+weight 1\s+top-1 +50\.0%/m);
    expect(inOrder!.text).toMatch(/^ {2}fused\s+top-1 +75\.0%\s+top-5 100\.0%$/m);
    expect(reordered!.text).toBe(inOrder!.text);
    expect(reordered!.fused.samples).toEqual(inOrder!.fused.samples);
    expect(inOrder!.fused.samples[0].scores).toEqual([expect.closeTo(1.75, 12), expect.closeTo(1.25, 12)]);
    expect(inOrder!.fused.fusion).toEqual({ method: 'prob', weights: [2, 1], inputs: [join(same, 'joint.json'), join(same, 'bone.json')] });
    expect(inOrder!.report).toMatch(/^\| \*\*fused\*\* \| \| \*\*75\.0%\*\* \| \*\*100\.0%\*\* \|$/m);
    // Per class: class 0 (s1 right, s3 wrong) 50%, class 1 (s2, s4 right) 100%.
    expect(inOrder!.report).toMatch(/^\| 0 \| 2 \| 50\.0% \| 50\.0% \| 50\.0% \|$/m);
    expect(inOrder!.report).toMatch(/^\| 1 \| 2 \| 50\.0% \| 50\.0% \| 100\.0% \|$/m);
    expect(await readdir(join(same, 'fusion'))).toEqual(['fused-scores.json', 'per-class-accuracy.svg', 'report.md']);
  });

  it('refuses inputs with different test samples, naming the sample and the input, and writes nothing', async () => {
    const dir = join(root, 'different');
    await scoreFile(join(dir, 'joint.json'), A);
    await scoreFile(join(dir, 'bone.json'), [...B.slice(0, 3), { ...B[3]!, name: 'S001C001P003R001A002' }]);
    const io = captureIO();
    const out = join(dir, 'fusion');
    expect(await main(['ensemble', join(dir, 'joint.json'), join(dir, 'bone.json'), '--out', out], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(`sample S001C001P002R001A002 of ${join(dir, 'joint.json')} is missing from ${join(dir, 'bone.json')}`);
    expect(await exists(out)).toBe(false);
  });

  it('wants one weight per input and writes nothing otherwise', async () => {
    const dir = join(root, 'weights');
    await scoreFile(join(dir, 'joint.json'), A);
    await scoreFile(join(dir, 'bone.json'), B);
    const out = join(dir, 'fusion');
    for (const [weights, message] of [
      ['2,2,1', /--weights has 3 values for 2 inputs; give one weight per input/],
      ['2,x', /--weights: 'x' is not a non-negative number/],
      ['0,0', /--weights are all zero/],
    ] as const) {
      const io = captureIO();
      expect(await main(['ensemble', join(dir, 'joint.json'), join(dir, 'bone.json'), '--weights', weights, '--out', out], io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(message);
    }
    expect(await exists(out)).toBe(false);
  });

  it('does not replace an earlier report without --force', async () => {
    const dir = join(root, 'again');
    await scoreFile(join(dir, 'joint.json'), A);
    await scoreFile(join(dir, 'bone.json'), B);
    const args = ['ensemble', join(dir, 'joint.json'), join(dir, 'bone.json'), '--out', join(dir, 'fusion')];
    expect(await main(args, captureIO())).toBe(0);
    const io = captureIO();
    expect(await main(args, io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/already holds fused-scores\.json, per-class-accuracy\.svg, report\.md; choose another folder or add --force/);
    expect(await main([...args, '--force'], captureIO())).toBe(0);
  });
});

describe('skelnorm ensemble on trained runs', () => {
  it('computes run folders\' test scores as eval does and fuses them with a score file in another order alike', async () => {
    const runs = [join(root, 'run0'), join(root, 'run1')];
    for (const [seed, run] of runs.entries()) expect(await main(['train', ...TINY, '--seed', String(seed), '--out', run], captureIO())).toBe(0);
    const evalIO = captureIO();
    const scores = join(root, 'run1-scores.json');
    expect(await main(['eval', runs[1]!, '--backend', 'wasm', '--scores', scores], evalIO)).toBe(0);
    const written = JSON.parse(await readFile(scores, 'utf8'));
    const reversed = join(root, 'run1-reversed.json');
    await writeFile(reversed, JSON.stringify({ ...written, samples: [...written.samples].reverse() }));

    const fromRuns = captureIO();
    expect(await main(['ensemble', ...runs, '--backend', 'wasm', '--out', join(root, 'runs-fusion')], fromRuns), fromRuns.text()).toBe(0);
    const mixed = captureIO();
    expect(await main(['ensemble', runs[0]!, reversed, '--backend', 'wasm', '--out', join(root, 'mixed-fusion')], mixed), mixed.text()).toBe(0);

    const fusedLine = (text: string) => /^ {2}fused\s+(top-1 .*)$/m.exec(text)?.[1];
    expect(fusedLine(fromRuns.stdout.join('\n'))).toMatch(/^top-1 +\d+\.\d% +top-5 +\d+\.\d%$/);
    expect(fusedLine(mixed.stdout.join('\n'))).toBe(fusedLine(fromRuns.stdout.join('\n')));
    // An input's own top-1 is the one eval prints.
    const evalTop1 = /^test \(eval mode\): top-1 (\d+\.\d%)/m.exec(evalIO.stdout.join('\n'))![1];
    expect(fromRuns.stdout.join('\n')).toMatch(new RegExp(`^ {2}${runs[1]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+weight 1\\s+top-1 +${evalTop1}`, 'm'));
    const [a, b] = await Promise.all(['runs-fusion', 'mixed-fusion'].map(async (d) => JSON.parse(await readFile(join(root, d, 'fused-scores.json'), 'utf8'))));
    expect(b.samples.map((s: { name: string }) => s.name)).toEqual(a.samples.map((s: { name: string }) => s.name));
    b.samples.forEach((s: { scores: number[] }, i: number) => s.scores.forEach((v, c) => expect(v).toBeCloseTo(a.samples[i].scores[c], 5)));
    // The synthetic set's class names reach the report.
    expect(await readFile(join(root, 'runs-fusion', 'report.md'), 'utf8')).toMatch(/^\| 0 \S.* \| \d+ \| /m);
  }, 180_000);
});
