import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { missingSkeletonListFileNames, parseMissingSkeletonList } from '../missing-skeletons.js';

/** Reads one of the dataset authors' missing-skeleton lists (a text file of sample names). */
export async function readMissingSkeletonList(path: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`${path}: cannot read the missing-skeleton list`);
  }
  return parseMissingSkeletonList(text, path);
}

/**
 * Looks for the authors' lists under their official names (`NTU_RGBD_samples_with_missing_skeletons.txt`,
 * `NTU_RGBD120_samples_with_missing_skeletons.txt`) in each folder and its parent; returns the paths found.
 */
export async function findMissingSkeletonLists(folders: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const candidates = new Set(folders.flatMap((f) => [f, dirname(f)]));
  for (const folder of candidates) {
    for (const name of missingSkeletonListFileNames) {
      const p = join(folder, name);
      try {
        await access(p);
        if (!found.includes(p)) found.push(p);
      } catch {
        // not there
      }
    }
  }
  return found;
}

/** The union of the names in several lists. */
export async function readMissingSkeletonLists(paths: readonly string[]): Promise<Set<string>> {
  const all = new Set<string>();
  for (const p of paths) for (const name of await readMissingSkeletonList(p)) all.add(name);
  return all;
}
