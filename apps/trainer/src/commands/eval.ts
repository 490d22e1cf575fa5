import { evaluate, type EvaluateResult } from '@skelnorm/trainer';
import { formatFlags, parseFlags } from '../args/flags.js';
import { resolve } from 'node:path';
import { UsageError, type Command } from '../command.js';
import { assertFileOutputFree } from '../run/output-guard.js';
import { writeFileAtomic } from '../run/run-folder.js';
import { chooseBackend } from '../training/backend-choice.js';
import { loadEvalData } from '../training/eval-data.js';
import { loadModelFile, modelFileOptions, MODEL_FILE_FLAG, MODEL_LAYOUT_FLAG } from '../training/model-file.js';
import { sampleScores } from '../training/sample-scores.js';
import { BACKENDS, TRAINING_FLAGS } from '../training/train-config.js';
import { CLIP_FLAGS } from '../training/clip-config.js';
import { percent as pct } from '../report/percent.js';

const FLAGS = {
  data: TRAINING_FLAGS.data,
  split: TRAINING_FLAGS.split,
  coords: TRAINING_FLAGS.coords,
  stream: { ...CLIP_FLAGS.stream, description: "input stream (default: the run's; another than the run's is refused)" },
  sampling: { ...CLIP_FLAGS.sampling, description: "temporal sampling (default: the run's; another than the run's is refused)" },
  'test-clips': { ...CLIP_FLAGS['test-clips'], description: "test clips per sample whose logits are averaged (default: the run's; needs uniform sampling)" },
  'batch-size': { type: 'int', description: 'evaluation batch size (default 64)', min: 1 },
  'batch-stats': { type: 'boolean', description: 'also evaluate with batch statistics (BatchNorm in train mode, nothing updated)' },
  train: { type: 'boolean', description: 'also evaluate the training split (eval mode)' },
  model: MODEL_FILE_FLAG,
  layout: MODEL_LAYOUT_FLAG,
  json: { type: 'string', description: 'write the results as JSON to FILE (an existing file is refused unless --force)', placeholder: 'FILE' },
  scores: { type: 'string', description: 'write every test sample\'s eval-mode logits by name as JSON to FILE (for fusion and comparisons; refused if it exists unless --force)', placeholder: 'FILE' },
  force: { type: 'boolean', description: 'replace an existing --json or --scores file' },
  backend: { type: 'choice', choices: BACKENDS, description: 'tfjs backend (default auto)' },
} as const;

const usage = `Usage: skelnorm eval <checkpoint | run folder | PyTorch state dict> [options]

Evaluates a trained model in eval mode on the test split of its data (the data recorded in the
checkpoint unless --data is given): loss, top-1, top-5, the hardest classes. A plain PyTorch
state dict in safetensors (safetensors.torch.save_file(model.state_dict(), path)) works too: its
model is recognised by its keys (or named with --model) and its options are read off its shapes.

Options:
${formatFlags(FLAGS)}`;


export const command: Command = {
  name: 'eval',
  summary: 'evaluate a checkpoint on the test split',
  usage,
  async run(args, io) {
    const { flags, positionals } = parseFlags(args, FLAGS, { positionals: { min: 1, max: 1 } });
    if (flags.json && flags.scores && resolve(flags.json) === resolve(flags.scores)) throw new UsageError('--json and --scores name the same file');
    await chooseBackend(flags.backend ?? 'auto', io);
    const loaded = await loadModelFile(positionals[0]!, modelFileOptions(flags));
    // Checked against the file actually read (a run folder's newest checkpoint), so --force never replaces it.
    for (const [flag, path] of [['--json', flags.json], ['--scores', flags.scores]] as const) {
      if (path) await assertFileOutputFree(path, { force: flags.force, flag, inputs: [loaded.path] });
    }
    for (const note of loaded.notes) io.err(note);
    for (const line of loaded.inferred ?? []) io.out(line);
    io.out(`model: ${loaded.model.modelName} ${JSON.stringify(loaded.model.config)} from ${loaded.path}`);
    const { config, data, clips } = await loadEvalData(loaded, flags, io);
    io.out(`data: ${data.description}`);
    const batchSize = flags['batch-size'] ?? config.evalBatchSize ?? 64;
    const results: Record<string, EvaluateResult> = {};
    try {
      results.test = await evaluate(loaded.model, data.testBatches(batchSize, { clips }), { numClasses: data.numClasses });
      const clipNote = clips > 1 ? ` (${clips} clips each, logits averaged)` : '';
      io.out(`test (eval mode): top-1 ${pct(results.test.top1)}, top-5 ${pct(results.test.top5)}, loss ${results.test.loss.toFixed(4)} on ${results.test.count} samples${clipNote}`);
      if (flags['batch-stats']) {
        results.testBatchStatistics = await evaluate(loaded.model, data.statisticsBatches('test', config.batchSize ?? batchSize), {
          numClasses: data.numClasses,
          batchStatistics: true,
        });
        io.out(`test (batch statistics): top-1 ${pct(results.testBatchStatistics.top1)}, top-5 ${pct(results.testBatchStatistics.top5)}`);
      }
      if (flags.train) {
        results.train = await evaluate(loaded.model, data.trainEvalBatches(batchSize), { numClasses: data.numClasses });
        io.out(`train (eval mode): top-1 ${pct(results.train.top1)}, top-5 ${pct(results.train.top5)} on ${results.train.count} samples`);
      }
      const hardest = results.test.perClassAccuracy
        .map((acc, c) => ({ acc, c }))
        .filter((e) => Number.isFinite(e.acc))
        .sort((a, b) => a.acc - b.acc)
        .slice(0, 5);
      io.out(`hardest classes: ${hardest.map((e) => `${data.classNames?.[e.c] ?? e.c} ${pct(e.acc)}`).join(', ')}`);
      if (flags.scores) {
        const test = data.testClipSamples(clips);
        const samples = await sampleScores(loaded.model, test.samples, batchSize, test.clipsOf);
        await writeFileAtomic(flags.scores, JSON.stringify({ checkpoint: loaded.path, data: data.description, numClasses: data.numClasses, ...(data.classNames && { classNames: data.classNames }), samples }) + '\n');
        io.out(`wrote ${flags.scores} (${samples.length} samples' logits)`);
      }
      if (flags.json) {
        await writeFileAtomic(flags.json, JSON.stringify({ checkpoint: loaded.path, data: data.description, results }, null, 2) + '\n');
        io.out(`wrote ${flags.json}`);
      }
    } finally {
      loaded.model.dispose();
    }
    return 0;
  },
};
