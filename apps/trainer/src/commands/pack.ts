import { bodySelectionPolicies, type BodySelectionPolicy } from '@skelnorm/data';
import {
  EmptyExportError, findMissingSkeletonLists, listSkeletonFiles, packSkeletonFiles, readMissingSkeletonLists, writeStgcnNpy,
} from '@skelnorm/data/node';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatFlags, parseFlags } from '../args/flags.js';
import { UsageError, type Command } from '../command.js';
import { outputEntries } from '../run/output-guard.js';

const FLAGS = {
  out: { type: 'string', description: 'folder for data.npy and samples.json (required)', placeholder: 'DIR' },
  frames: { type: 'int', description: 'T, frames per sample', default: 300, min: 1 },
  bodies: { type: 'int', description: 'M, persons per sample', default: 2, min: 1, max: 6 },
  select: { type: 'choice', choices: bodySelectionPolicies, description: 'body selection policy', default: 'energy' },
  'no-transform': { type: 'boolean', description: 'raw x, y, z: frames beyond --frames dropped, shorter ones zero-padded at the end' },
  force: { type: 'boolean', description: 'replace an earlier pack export in --out' },
  strict: { type: 'boolean', description: 'stop at the first bad file (default: pack the rest and list the bad ones)' },
  missing: { type: 'string', description: 'missing-skeleton list to leave out (default: the official lists found beside the inputs)', placeholder: 'FILE' },
  'no-missing': { type: 'boolean', description: 'keep the samples of the missing-skeleton lists' },
} as const;

const usage = `Usage: skelnorm pack <files or folders> --out DIR [--frames 300] [--bodies 2]
                     [--select order|energy|denoise] [--no-transform] [--strict]

Reads NTU RGB+D .skeleton files, selects at most --bodies persons per sample and writes
DIR/data.npy, float32 (N, 3, T, 25, M) in ST-GCN's layout, and DIR/samples.json with the sample
names and 0-based labels (action number - 1), so Python users can check the data. Without
--no-transform the samples are preprocessed (empty frames trimmed, centred on the spine, view
aligned, resampled to T). Bad files are listed and the rest is packed (exit code 1 if any file
failed); --strict stops at the first. The official missing-skeleton lists are honoured when found
beside the inputs (or given with --missing).

Options:
${formatFlags(FLAGS)}`;

/** Files a pack export holds; `--out` may hold only these (an earlier export), and only with --force. */
const PACK_FILES = new Set(['data.npy', 'samples.json']);

async function assertPackOutput(out: string, force: boolean): Promise<void> {
  const visible = ((await outputEntries(out)) ?? []).filter((e) => !e.startsWith('.'));
  const foreign = visible.filter((e) => !PACK_FILES.has(e));
  if (foreign.length > 0) {
    throw new UsageError(`--out ${out} holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''}, not only a pack export; the export replaces its folder whole, so give it a new or empty one`);
  }
  if (visible.length > 0 && !force) throw new UsageError(`--out ${out} already holds a pack export; choose another folder or add --force to replace it`);
}

export const command: Command = {
  name: 'pack',
  summary: 'pack .skeleton files into data.npy (ST-GCN layout) + samples.json',
  usage,
  async run(args, io) {
    const { flags, positionals } = parseFlags(args, FLAGS, { positionals: { min: 1, max: Number.MAX_SAFE_INTEGER } });
    if (!flags.out) throw new UsageError('--out DIR is required');
    if (flags.missing && flags['no-missing']) throw new UsageError('--missing and --no-missing exclude each other');
    const files = await listSkeletonFiles(positionals).catch((error: Error) => {
      throw new UsageError(error.message);
    });
    if (files.length === 0) throw new UsageError(`no .skeleton files in ${positionals.join(', ')}`);
    await assertPackOutput(flags.out, flags.force);

    let lists: string[] = [];
    if (flags.missing) lists = [flags.missing];
    else if (!flags['no-missing']) {
      const folders = await Promise.all(positionals.map(async (p) => ((await stat(p)).isDirectory() ? p : dirname(p))));
      lists = await findMissingSkeletonLists(folders);
    }
    const missing = lists.length > 0 ? await readMissingSkeletonLists(lists) : new Set<string>();
    if (lists.length > 0) io.out(`missing-skeleton lists: ${lists.join(', ')} (${missing.size} samples left out)`);
    else if (!flags['no-missing']) io.out('missing-skeleton lists: none found beside the inputs (pass --missing FILE to leave those samples out)');

    const failed: { file: string; error: string }[] = [];
    const skipped: string[] = [];
    const total = files.length;
    let done = 0;
    async function* samples() {
      for await (const outcome of packSkeletonFiles(files, {
        frames: flags.frames ?? 300,
        persons: flags.bodies ?? 2,
        select: (flags.select ?? 'energy') as BodySelectionPolicy,
        transform: flags['no-transform'] ? false : {},
        missingSkeletons: missing,
        strict: flags.strict,
      })) {
        done++;
        if (io.isTTY && io.write && (done % 50 === 0 || done === total)) io.write(`\rpack: ${done}/${total} files`);
        if ('sample' in outcome) yield outcome.sample;
        else if ('error' in outcome) failed.push({ file: outcome.file, error: outcome.error.message });
        else skipped.push(outcome.file);
      }
      if (io.isTTY && io.write) io.write('\n');
    }
    // `failed` and `skipped` fill while the samples stream; samples.json is written after the last one.
    const result = await writeStgcnNpy(flags.out, samples(), { extra: { failed, skipped } }).catch((error: unknown) => {
      if (error instanceof EmptyExportError) return undefined;
      throw error;
    });
    const [n, c, t, v, m] = result?.shape ?? [0, 0, 0, 0, 0];
    if (!result) {
      io.err(`no sample packed from ${total} file${total === 1 ? '' : 's'}; ${flags.out} was left as it was`);
    } else {
      io.out(`wrote ${result.dataPath}: float32 (${n}, ${c}, ${t}, ${v}, ${m}), ST-GCN layout (N, C, T, V, M), ${flags['no-transform'] ? 'raw coordinates' : 'preprocessed'}, bodies by ${flags.select ?? 'energy'}`);
      io.out(`wrote ${result.samplesPath}: ${n} sample names and 0-based labels`);
    }
    if (skipped.length > 0) io.out(`skipped ${skipped.length} sample${skipped.length === 1 ? '' : 's'} on the missing-skeleton list`);
    if (failed.length > 0) {
      io.err(`${failed.length} of ${total} file${total === 1 ? '' : 's'} failed:`);
      for (const f of failed) io.err(`  ${f.error}`);
    }
    return failed.length > 0 || n === 0 ? 1 : 0;
  },
};
