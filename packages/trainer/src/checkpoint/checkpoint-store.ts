import type { CheckpointFiles } from './checkpoint.js';

/** A checkpoint as a store hands it back. */
export interface StoredCheckpoint {
  /** Where it lives (a file path, a key). */
  readonly location: string;
  readonly safetensors: Uint8Array;
}

/**
 * Where checkpoints go. The core ships `MemoryCheckpointStore` (tests, the browser);
 * `FileCheckpointStore` in `@skelnorm/trainer/node` writes files atomically.
 */
export interface CheckpointStore {
  /** Stores a checkpoint under `name` (atomically: all or nothing); resolves to its location. */
  save(name: string, files: CheckpointFiles): Promise<string>;
  /** The newest checkpoint that reads back whole, or undefined when there is none. */
  latest(): Promise<StoredCheckpoint | undefined>;
}

/** Keeps the last `keep` checkpoints in memory (default 2). */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly entries: { name: string; files: CheckpointFiles }[] = [];

  constructor(private readonly keep = 2) {}

  async save(name: string, files: CheckpointFiles): Promise<string> {
    this.entries.push({ name, files: { safetensors: files.safetensors.slice(), json: files.json } });
    while (this.entries.length > this.keep) this.entries.shift();
    return `memory:${name}`;
  }

  async latest(): Promise<StoredCheckpoint | undefined> {
    const last = this.entries.at(-1);
    return last && { location: `memory:${last.name}`, safetensors: last.files.safetensors };
  }

  /** Names held, oldest first. */
  names(): string[] {
    return this.entries.map((e) => e.name);
  }
}
