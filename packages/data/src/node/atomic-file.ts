import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file atomically: `content` (bytes, text, or a function that writes them) fills a
 * temporary file in the same folder, which is flushed to disk and renamed over `path` only when
 * writing succeeds (a rename within one file system is atomic), so readers see either the old
 * file or the complete new one, never a partial one.
 */
export async function writeFileAtomic(path: string, content: Uint8Array | string | ((file: FileHandle) => Promise<void>)): Promise<void> {
  const write = typeof content === 'function' ? content : (file: FileHandle) => writeAll(file, typeof content === 'string' ? new TextEncoder().encode(content) : content, 0);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const file = await open(temporary, 'w');
  try {
    await write(file);
    await file.sync();
    await file.close();
    await rename(temporary, path);
  } catch (error) {
    await file.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Writes all of `bytes` at `position` (or at the current end when null). */
export async function writeAll(file: FileHandle, bytes: Uint8Array, position: number | null = null): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position === null ? null : position + done);
    done += bytesWritten;
  }
}

/**
 * Writes a multi-file output as one unit: `write` fills a fresh temporary folder beside `folder`,
 * which then replaces `folder` by rename (the old one, if any, is moved aside first and removed
 * after), so readers find either the old set of files or the new one, never a mix. On failure the
 * temporary folder is removed and `folder` is left as it was. `folder` may hold nothing but the
 * `files` of an earlier output (dot-files aside): anything else is refused before any work, since
 * the replacement would delete it.
 */
export async function writeFolderAtomic<T>(folder: string, files: readonly string[], write: (temporary: string) => Promise<T>): Promise<T> {
  const present = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const foreign = present.filter((entry) => !entry.startsWith('.') && !files.includes(entry));
  if (foreign.length > 0) {
    throw new Error(`${folder} holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''}, not only ${files.join(' and ')}; writing replaces the folder whole, so give it a new or empty one`);
  }
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const temporary = join(dirname(folder), `.${basename(folder)}.${tag}.tmp`);
  await mkdir(temporary, { recursive: true });
  let result: T;
  try {
    result = await write(temporary);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  const aside = join(dirname(folder), `.${basename(folder)}.${tag}.old`);
  const moved = await rename(folder, aside).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  try {
    await rename(temporary, folder);
  } catch (error) {
    if (moved) await rename(aside, folder).catch(() => {});
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  if (moved) await rm(aside, { recursive: true, force: true });
  return result;
}

/**
 * Removes the temporaries that killed writers left in `folder`: `writeFileAtomic`'s and
 * `writeFolderAtomic`'s `.<name>.<pid>.<hex>.tmp` / `.old` whose process is gone (a live writer's
 * are kept). `only`: just those of the output named so, for a folder the caller does not own (a
 * user's folder may hold other programs' files); without it, also the older `<file>.tmp-<pid>`
 * this project wrote, for folders it owns (a checkpoint directory). Returns the paths removed.
 */
export async function removeStaleTemporaries(folder: string, only?: string): Promise<string[]> {
  const entries = await readdir(folder).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const entry of entries) {
    if (only !== undefined && !entry.startsWith(`.${only}.`)) continue;
    const match = /^\..+\.(\d+)\.[0-9a-f]{8}\.(tmp|old)$/.exec(entry) ?? (only === undefined ? /\.tmp-(\d+)$/.exec(entry) : null);
    if (!match || processAlive(Number(match[1]))) continue;
    await rm(join(folder, entry), { recursive: true, force: true });
    removed.push(join(folder, entry));
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
