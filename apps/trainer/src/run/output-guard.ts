import { readdir, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../command.js';

/** An output file that exists is replaced only with `--force`, and never when it is one of the command's own inputs. */
export async function assertFileOutputFree(out: string, options: { readonly force?: boolean; readonly inputs?: readonly string[]; readonly flag?: string } = {}): Promise<void> {
  const flag = options.flag ?? '--out';
  const info = await stat(out).catch(() => undefined);
  if (!info) return;
  if (info.isDirectory()) throw new UsageError(`${flag} ${out} is a folder; give a file name`);
  const target = await realpath(out);
  for (const input of options.inputs ?? []) {
    const source = await realpath(input).catch(() => resolve(input));
    if (source === target) throw new UsageError(`${flag} ${out} is this command's input (${input}); write the result to another file`);
  }
  if (!options.force) throw new UsageError(`${flag} ${out} exists; choose another file or add --force to replace it`);
}

/** The entries of an output folder, or undefined when it does not exist yet; a file in its place is a usage error. */
export async function outputEntries(out: string, flag = '--out'): Promise<string[] | undefined> {
  return readdir(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'ENOTDIR') throw new UsageError(`${flag} ${out} is a file, not a folder`);
    throw error;
  });
}

/**
 * A folder to write files into: refused when it already holds files the command would write
 * (`clashes` picks them from its entries) unless `--force`; other contents are never touched.
 */
export async function assertFolderOutputFree(out: string, clashes: (entry: string) => boolean, options: { readonly force?: boolean; readonly flag?: string } = {}): Promise<void> {
  const taken = ((await outputEntries(out, options.flag)) ?? []).filter(clashes);
  if (taken.length > 0 && !options.force) {
    const shown = taken.slice(0, 3).join(', ') + (taken.length > 3 ? ` and ${taken.length - 3} more` : '');
    throw new UsageError(`${options.flag ?? '--out'} ${out} already holds ${shown}; choose another folder or add --force to replace them`);
  }
}
