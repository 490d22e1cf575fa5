import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSkeleton, type ParseSkeletonOptions } from '../parse-skeleton.js';
import type { SkeletonFile } from '../skeleton-file.js';

/** Reads and parses one `.skeleton` file; errors name its path. */
export async function readSkeletonFile(path: string, options: Omit<ParseSkeletonOptions, 'name'> = {}): Promise<SkeletonFile> {
  return parseSkeleton(await readFile(path), { ...options, name: path });
}

/** Options of {@link listSkeletonFiles}. */
export interface ListSkeletonFilesOptions {
  /** Descend into sub-folders; default false (NTU ships one flat folder). */
  readonly recursive?: boolean;
}

/**
 * The `.skeleton` files among `paths` (files are kept as given, folders are listed), sorted by path
 * within each folder, duplicates removed.
 *
 * @throws Error naming a path that does not exist.
 */
export async function listSkeletonFiles(paths: readonly string[], options: ListSkeletonFilesOptions = {}): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  };
  const walk = async (folder: string, depth: number): Promise<void> => {
    const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const p = join(folder, entry.name);
      if (entry.isDirectory() && options.recursive) await walk(p, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.skeleton')) add(p);
    }
  };
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new Error(`${path}: no such file or folder`);
    }
    if (info.isDirectory()) await walk(path, 0);
    else add(path);
  }
  return out;
}
