import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSkeleton } from '../format-skeleton.js';
import { syntheticClasses, type SyntheticClass } from '../synthetic/actions.js';
import { generateSyntheticNtu, type SynthesizeNtuOptions } from '../synthetic/synthesize.js';
import { writeAll, writeFileAtomic } from './atomic-file.js';

/** What {@link writeSyntheticNtu} wrote. */
export interface WriteSyntheticNtuResult {
  /** Paths of the `.skeleton` files, in generation order. */
  readonly files: string[];
  readonly classes: SyntheticClass[];
  /** Path of `classes.json` (label, NTU action, name, persons per class). */
  readonly classesPath: string;
  readonly bytes: number;
}

/**
 * Writes a synthetic NTU set as real `.skeleton` files (`<name>.skeleton`, CRLF, all 12 joint
 * fields) plus `classes.json`, which maps the synthetic labels to NTU action numbers.
 *
 * @param onFile called after each file (for progress).
 */
export async function writeSyntheticNtu(
  folder: string,
  options: Omit<SynthesizeNtuOptions, 'fields'> = {},
  onFile?: (path: string, index: number) => void,
): Promise<WriteSyntheticNtuResult> {
  await mkdir(folder, { recursive: true });
  const files: string[] = [];
  const encoder = new TextEncoder();
  let bytes = 0;
  for (const sample of generateSyntheticNtu({ ...options, fields: 'all' })) {
    const path = join(folder, `${sample.name}.skeleton`);
    const data = encoder.encode(formatSkeleton(sample.file));
    await writeFileAtomic(path, (file) => writeAll(file, data, 0));
    bytes += data.length;
    files.push(path);
    onFile?.(path, files.length - 1);
  }
  const classes = syntheticClasses(options.classes ?? 12);
  const classesPath = join(folder, 'classes.json');
  await writeFileAtomic(classesPath, (file) => writeAll(file, encoder.encode(JSON.stringify({ seed: options.seed ?? 0, classes }, null, 1) + '\n'), 0));
  return { files, classes, classesPath, bytes };
}
