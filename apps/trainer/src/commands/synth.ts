import { syntheticClasses, syntheticActions } from '@skelnorm/data';
import { writeSyntheticNtu } from '@skelnorm/data/node';
import { formatFlags, parseFlags } from '../args/flags.js';
import { UsageError, type Command } from '../command.js';
import { assertFolderOutputFree } from '../run/output-guard.js';

const FLAGS = {
  out: { type: 'string', description: 'folder to write the .skeleton files and classes.json into (required)', placeholder: 'DIR' },
  classes: { type: 'int', description: `number of classes, 1-${syntheticActions.length}`, default: 12, min: 1, max: syntheticActions.length },
  'per-class': { type: 'int', description: 'samples per class (performances x 3 cameras)', default: 48, min: 1 },
  seed: { type: 'int', description: 'seed of the generator', default: 0 },
  force: { type: 'boolean', description: 'replace .skeleton files and classes.json of the same names in --out' },
} as const;

const usage = `Usage: skelnorm synth --out DIR [--classes N] [--per-class K] [--seed S]

Writes a synthetic NTU RGB+D-like data set as real .skeleton files: class-specific motions of a
25-joint Kinect skeleton (bone lengths from a real sample) performed by 40 simulated performers
(body size, proportions, handedness, posture, speed, amplitude), seen by three cameras at -45, 0
and +45 degrees, with Kinect-like noise, glitches, dropped frames and ghost bodies. Names are
SsssCcccPpppRrrrAaaa, so the standard splits apply; about one class in six is a two-person
interaction. classes.json maps the synthetic labels to NTU action numbers.

Options:
${formatFlags(FLAGS)}`;

export const command: Command = {
  name: 'synth',
  summary: 'write a synthetic NTU-like data set as .skeleton files',
  usage,
  async run(args, io) {
    const { flags } = parseFlags(args, FLAGS);
    if (!flags.out) throw new UsageError('--out DIR is required');
    await assertFolderOutputFree(flags.out, (entry) => entry.endsWith('.skeleton') || entry === 'classes.json', { force: flags.force });
    const classes = flags.classes ?? 12;
    const perClass = flags['per-class'] ?? 48;
    const seed = flags.seed ?? 0;
    const total = classes * perClass;
    const started = performance.now();
    const result = await writeSyntheticNtu(flags.out, { classes, perClass, seed }, (_, i) => {
      if (io.isTTY && io.write && (i % 10 === 9 || i === total - 1)) io.write(`\rsynth: ${i + 1}/${total} files`);
    });
    if (io.isTTY && io.write) io.write('\n');
    const twoPerson = syntheticClasses(classes).filter((c) => c.persons === 2).length;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.out(`wrote ${result.files.length} .skeleton files (${(result.bytes / 1e6).toFixed(1)} MB) to ${flags.out} in ${seconds} s`);
    io.out(`classes: ${classes} (${twoPerson} two-person), ${perClass} samples each, performers 1-40, seed ${seed}; labels in ${result.classesPath}`);
    return 0;
  },
};
