import { statSync } from 'node:fs';
import { formatFlags, parseFlags } from '../args/flags.js';
import { UsageError, type Command } from '../command.js';
import { assertFileOutputFree } from '../run/output-guard.js';
import { chooseBackend } from '../training/backend-choice.js';
import { loadModelFile, modelFileOptions, MODEL_FILE_FLAG, MODEL_LAYOUT_FLAG, saveModelFile } from '../training/model-file.js';
import { BACKENDS } from '../training/train-config.js';

const FLAGS = {
  out: { type: 'string', description: 'the weights file to write (.safetensors); an existing one is refused unless --force, the input always', placeholder: 'FILE' },
  force: { type: 'boolean', description: 'replace an existing --out file' },
  model: MODEL_FILE_FLAG,
  layout: MODEL_LAYOUT_FLAG,
  backend: { type: 'choice', choices: BACKENDS, description: 'tfjs backend (default auto)' },
} as const;

const usage = `Usage: skelnorm export <checkpoint | run folder | PyTorch state dict> --out FILE

Writes the model alone: weights and buffers under PyTorch's names and layout, with the model, its
options and the run's configuration in the metadata, and without the optimizer's state that a
training checkpoint carries (about a third of the size for Adam). What the browser app loads, what
eval, doctor and train --init read, and what PyTorch loads with strict=True.

Options:
${formatFlags(FLAGS)}`;

export const command: Command = {
  name: 'export',
  summary: 'write a checkpoint\'s model alone (weights, buffers, options), without the optimizer state',
  usage,
  async run(args, io) {
    const { flags, positionals } = parseFlags(args, FLAGS, { positionals: { min: 1, max: 1 } });
    const out = flags.out;
    if (!out) throw new UsageError('--out FILE is required: where to write the model');
    await chooseBackend(flags.backend ?? 'auto', io);
    const loaded = await loadModelFile(positionals[0]!, modelFileOptions(flags));
    try {
      for (const note of loaded.notes) io.err(note);
      for (const line of loaded.inferred ?? []) io.out(line);
      await assertFileOutputFree(out, { force: flags.force, flag: '--out', inputs: [loaded.path] });
      await saveModelFile(out, loaded.model, { ...loaded.model.config }, loaded.config);
      const [from, to] = [statSync(loaded.path).size, statSync(out).size];
      io.out(`wrote ${out}: ${loaded.model.modelName} ${JSON.stringify(loaded.model.config)}, ${megabytes(to)} (from ${loaded.path}, ${megabytes(from)})`);
    } finally {
      loaded.model.dispose();
    }
    return 0;
  },
};

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
