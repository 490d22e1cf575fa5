import { mkdir, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@skelnorm/data/node';
import { formatFlags, parseFlags } from '../args/flags.js';
import { UsageError, type Command } from '../command.js';
import { describeFusion, FUSION_CHART_FILE, renderFusionReport } from '../fusion/fusion-report.js';
import { percent } from '../report/percent.js';
import { runTestScores } from '../fusion/run-scores.js';
import { readScoreFile } from '../fusion/score-file.js';
import { assertSameTestSamples, FUSION_METHODS, fuseScores, inputAccuracy, scoreAccuracy, type ScoreSet } from '../fusion/score-fusion.js';
import { assertFolderOutputFree } from '../run/output-guard.js';
import { chooseBackend } from '../training/backend-choice.js';
import { BACKENDS } from '../training/train-config.js';

const FLAGS = {
  weights: { type: 'list', description: 'one weight per input, in their order, e.g. 2,2,1,1 for joint,bone,joint-motion,bone-motion (default equal)', placeholder: 'W,W,...' },
  fuse: { type: 'choice', choices: FUSION_METHODS, description: 'prob: softmax of each input, then the weighted sum (PYSKL); logits: weighted sum of raw logits (CTR-GCN ensemble.py)', default: 'prob' },
  out: { type: 'string', description: 'write report.md, per-class-accuracy.svg and fused-scores.json into DIR', placeholder: 'DIR' },
  force: { type: 'boolean', description: 'replace those files when DIR already holds them' },
  'batch-size': { type: 'int', description: 'evaluation batch size for run inputs (default: the run\'s)', min: 1 },
  backend: { type: 'choice', choices: BACKENDS, description: 'tfjs backend for run inputs (default auto)' },
} as const;

const OUTPUT_FILES = ['report.md', FUSION_CHART_FILE, 'fused-scores.json'];

const usage = `Usage: skelnorm ensemble <run | checkpoint | scores.json>... [options]

Fuses the test scores of several runs (streams, seeds, models) and prints each input's and the
fused top-1/top-5. An input is a run folder or checkpoint (its test scores are computed as
\`skelnorm eval\` does, on the data its run recorded) or a score file written by
\`skelnorm eval RUN --scores FILE\`.

Samples are joined by name, never by position, so inputs written in different orders fuse
correctly. Inputs must agree on the class count, the test sample names and each sample's label;
the first difference is named. By default each input's logits become softmax probabilities
and are summed with --weights, as PYSKL fuses its streams (2:2:1:1 for joint, bone,
joint-motion, bone-motion); --fuse logits sums raw logits as CTR-GCN's ensemble.py does.

Options:
${formatFlags(FLAGS)}`;

export const command: Command = {
  name: 'ensemble',
  summary: 'fuse the test scores of several runs by sample name (streams, seeds, models)',
  usage,
  async run(args, io) {
    const { flags, positionals: inputs } = parseFlags(args, FLAGS, { positionals: { min: 2, max: 64 } });
    const weights = parseWeights(flags.weights, inputs.length);
    const method = flags.fuse ?? 'prob';
    if (flags.out) await assertOutputFree(flags.out, inputs, flags.force);

    const isScoreFile = (input: string) => input.toLowerCase().endsWith('.json');
    if (!inputs.every(isScoreFile)) await chooseBackend(flags.backend ?? 'auto', io);
    const sets: ScoreSet[] = [];
    for (const input of inputs) {
      const set = isScoreFile(input) ? await readScoreFile(input) : await runTestScores(input, io, { ...(flags['batch-size'] !== undefined && { batchSize: flags['batch-size'] }) });
      if (set.samples.length === 0) throw new UsageError(`${input} has no test samples; nothing to fuse`);
      sets.push(set);
    }
    assertSameTestSamples(sets);

    const fused = fuseScores(sets, weights, method);
    const numClasses = sets[0]!.numClasses;
    const fusedAccuracy = scoreAccuracy(fused, numClasses);
    const inputRows = sets.map((set, i) => ({ source: set.source, weight: weights[i]!, accuracy: inputAccuracy(set) }));
    const width = Math.max(5, ...inputs.map((s) => s.length));
    io.out(`fusion: ${describeFusion(method)}; ${fused.length} test samples of ${numClasses} classes, joined by name`);
    for (const row of inputRows) {
      io.out(`  ${row.source.padEnd(width)}  weight ${String(row.weight).padEnd(4)}  top-1 ${percent(row.accuracy.top1).padStart(6)}  top-5 ${percent(row.accuracy.top5).padStart(6)}`);
    }
    io.out(`  ${'fused'.padEnd(width)}  ${' '.repeat(11)}  top-1 ${percent(fusedAccuracy.top1).padStart(6)}  top-5 ${percent(fusedAccuracy.top5).padStart(6)}`);

    if (flags.out) {
      const classNames = sets.find((s) => s.classNames)?.classNames;
      const report = renderFusionReport({ inputs: inputRows, fused: fusedAccuracy, method, numClasses, ...(classNames && { classNames }) });
      const scores = { fusion: { method, weights, inputs }, numClasses, ...(classNames && { classNames }), samples: fused };
      await mkdir(flags.out, { recursive: true });
      await writeFileAtomic(join(flags.out, 'fused-scores.json'), JSON.stringify(scores) + '\n');
      await writeFileAtomic(join(flags.out, FUSION_CHART_FILE), report.chartSvg);
      await writeFileAtomic(join(flags.out, 'report.md'), report.markdown);
      io.out(`wrote ${OUTPUT_FILES.map((f) => join(flags.out!, f)).join(', ')}`);
    }
    return 0;
  },
};

/** `--weights`: one finite, non-negative number per input, not all zero; default all 1. */
export function parseWeights(values: readonly string[] | undefined, inputs: number): number[] {
  if (values === undefined) return new Array<number>(inputs).fill(1);
  if (values.length !== inputs) {
    throw new UsageError(`--weights has ${values.length} value${values.length === 1 ? '' : 's'} for ${inputs} inputs; give one weight per input, in the inputs' order`);
  }
  const weights = values.map((text) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new UsageError(`--weights: '${text}' is not a non-negative number`);
    return value;
  });
  if (weights.every((w) => w === 0)) throw new UsageError('--weights are all zero; at least one input must count');
  return weights;
}

/** The report files may not replace a run's own (a run folder holds a report.md) nor, without --force, earlier ones. */
async function assertOutputFree(out: string, inputs: readonly string[], force: boolean): Promise<void> {
  const target = await realpath(out).catch(() => resolve(out));
  for (const input of inputs) {
    if ((await realpath(input).catch(() => resolve(input))) === target) {
      throw new UsageError(`--out ${out} is one of the inputs; write the fusion report into another folder`);
    }
  }
  await assertFolderOutputFree(out, (entry) => OUTPUT_FILES.includes(entry), { force });
}
