import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { removeStaleTemporaries, writeFileAtomic } from '@skelnorm/data/node';
import { readTrainerState, type CheckpointFiles } from '../checkpoint/checkpoint.js';
import type { CheckpointStore, StoredCheckpoint } from '../checkpoint/checkpoint-store.js';

export interface FileCheckpointStoreOptions {
  /** Checkpoints to keep (oldest deleted after a new one is committed). Default 2. */
  readonly keep?: number;
}

const SUFFIX = '.safetensors';

/**
 * Checkpoints as files in one directory: `<name>.safetensors` (the checkpoint, self-contained)
 * and `<name>.json` (its trainer state, for reading).
 *
 * Atomic: each file is written to a temporary file, flushed (fsync) and renamed over its final
 * name (`writeFileAtomic`), safetensors first, so a crash (even SIGKILL) leaves either the old set or a
 * complete new checkpoint, never a torn file under a final name. Older checkpoints are deleted
 * only after the new one is in place, and `latest()` skips any file that does not parse, so the
 * last good checkpoint stays reachable.
 */
export class FileCheckpointStore implements CheckpointStore {
  private readonly keep: number;

  constructor(
    readonly dir: string,
    options: FileCheckpointStoreOptions = {},
  ) {
    this.keep = Math.max(1, options.keep ?? 2);
  }

  async save(name: string, files: CheckpointFiles): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    // A killed save leaves its temporary (checkpoint-sized) behind: cleared on the next one.
    await removeStaleTemporaries(this.dir);
    const path = join(this.dir, name + SUFFIX);
    await writeFileAtomic(path, files.safetensors);
    await writeFileAtomic(join(this.dir, `${name}.json`), files.json + '\n');
    await this.prune();
    return path;
  }

  async latest(): Promise<StoredCheckpoint | undefined> {
    return (await this.scan()).latest;
  }

  /**
   * The newest checkpoint that reads back whole, and every newer one that did not, with why (a
   * torn or foreign file): callers say so instead of falling back silently. `count`: checkpoint
   * files present.
   */
  async scan(): Promise<{ latest?: StoredCheckpoint; skipped: { location: string; reason: string }[]; count: number }> {
    const names = await this.names();
    const skipped: { location: string; reason: string }[] = [];
    for (const name of [...names].reverse()) {
      const location = join(this.dir, name + SUFFIX);
      try {
        const safetensors = new Uint8Array(await readFile(location));
        readTrainerState(safetensors, location);
        return { latest: { location, safetensors }, skipped, count: names.length };
      } catch (error) {
        skipped.push({ location, reason: (error instanceof Error ? error.message : String(error)).split('\n')[0]! });
      }
    }
    return { skipped, count: names.length };
  }

  /** Checkpoint names present, oldest first (names sort by progress). */
  async names(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch {
      return [];
    }
    return entries.filter((f) => f.endsWith(SUFFIX)).map((f) => f.slice(0, -SUFFIX.length)).sort();
  }

  private async prune(): Promise<void> {
    const names = await this.names();
    for (const name of names.slice(0, Math.max(0, names.length - this.keep))) {
      await rm(join(this.dir, name + SUFFIX), { force: true });
      await rm(join(this.dir, `${name}.json`), { force: true });
    }
  }
}
