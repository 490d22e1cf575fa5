import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A run folder: everything one `skelnorm train` leaves behind.
 *
 * ```
 * <dir>/config.json      the resolved options (written once, atomically)
 * <dir>/metrics.jsonl    one JSON object per trainer event, appended as they happen
 * <dir>/checkpoints/     the trainer's checkpoints
 * <dir>/report.md        summary with the plots below (rewritten at the end)
 * <dir>/*.svg            loss, accuracy, confusion matrix
 * ```
 */
export class RunFolder {
  private constructor(readonly dir: string) {}

  /** Creates the folder and its `checkpoints/` (no error if they exist, so resume can reuse one). */
  static async open(dir: string): Promise<RunFolder> {
    await mkdir(join(dir, 'checkpoints'), { recursive: true });
    return new RunFolder(dir);
  }

  get checkpointsDir(): string {
    return join(this.dir, 'checkpoints');
  }

  get configPath(): string {
    return join(this.dir, 'config.json');
  }

  get metricsPath(): string {
    return join(this.dir, 'metrics.jsonl');
  }

  get reportPath(): string {
    return join(this.dir, 'report.md');
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  async writeConfig(config: unknown): Promise<void> {
    await writeFileAtomic(this.configPath, JSON.stringify(config, jsonReplacer, 2) + '\n');
  }

  async readConfig<T = Record<string, unknown>>(): Promise<T> {
    return JSON.parse(await readFile(this.configPath, 'utf8')) as T;
  }

  /** Appends one record as a line of `metrics.jsonl`. Non-finite numbers are written as strings ("NaN"). */
  async appendMetric(record: object): Promise<void> {
    await appendFile(this.metricsPath, JSON.stringify(record, jsonReplacer) + '\n');
  }

  /**
   * Reads `metrics.jsonl` back. A last line cut short by a killed process is ignored rather than
   * failing the resume that reads it.
   */
  async readMetrics(): Promise<Record<string, unknown>[]> {
    let text: string;
    try {
      text = await readFile(this.metricsPath, 'utf8');
    } catch {
      return [];
    }
    const records: Record<string, unknown>[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // A partial final line from an interrupted run.
      }
    }
    return records;
  }

  /** Writes a text file into the folder atomically (temp file + rename). */
  async writeText(name: string, text: string): Promise<string> {
    const path = this.path(name);
    await writeFileAtomic(path, text);
    return path;
  }
}

/** Write to `path.tmp-<pid>` and rename, so that readers never see half a file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** JSON has no NaN/Infinity; keep them visible as strings instead of `null`. Typed arrays become arrays. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** `runs/2026-11-27T19-30-05-seed-cnn`: sortable, no characters that shells or Windows dislike. */
export function defaultRunDir(model: string, date = new Date(), root = 'runs'): string {
  const stamp = date.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
  return join(root, `${stamp}-${model}`);
}
