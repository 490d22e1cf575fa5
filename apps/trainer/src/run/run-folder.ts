import { appendFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { writeFileAtomic } from '@skelnorm/data/node';
import { dirname, join } from 'node:path';
import { UsageError } from '../command.js';
import { outputEntries } from './output-guard.js';

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

  /** Creates the folder and its `checkpoints/` (no error if they exist). For the runs inside a folder this process owns. */
  static async open(dir: string): Promise<RunFolder> {
    await mkdir(join(dir, 'checkpoints'), { recursive: true });
    return new RunFolder(dir);
  }

  /**
   * A folder for a new run (or ablation). One that exists and holds anything is refused, so two
   * runs are never mixed in one folder (checkpoints pruned across runs, one metrics.jsonl for
   * both, a config that describes the other run); `force` deletes it first. `what` names the
   * command's output in the message.
   */
  static async create(dir: string, options: { readonly force?: boolean; readonly what?: string; readonly resumable?: boolean } = {}): Promise<RunFolder> {
    const entries = await outputEntries(dir);
    if (entries && entries.length > 0) {
      if (!options.force) {
        throw new UsageError(
          `--out ${dir} already holds ${describeEntries(entries)}; a new ${options.what ?? 'run'} would mix with it. ` +
            `Choose another --out${options.resumable ? `, continue that run with --resume ${dir},` : ''} or add --force to replace it`,
        );
      }
      await rm(dir, { recursive: true, force: true });
    }
    return RunFolder.open(dir);
  }

  /**
   * Claims a fresh folder `<base>`, or `<base>-2`, `<base>-3`, ... when that exists: mkdir of the
   * last path element is atomic, so two runs started in the same second get different folders.
   */
  static async claim(base: string): Promise<RunFolder> {
    await mkdir(dirname(base), { recursive: true });
    for (let n = 1; ; n++) {
      const dir = n === 1 ? base : `${base}-${n}`;
      try {
        await mkdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      return RunFolder.open(dir);
    }
  }

  /** A run folder that must exist already, with its config.json (for --resume); creates nothing. */
  static async existing(dir: string): Promise<RunFolder> {
    const config = join(dir, 'config.json');
    if (!(await stat(config).then((s) => s.isFile(), () => false))) {
      throw new UsageError(`--resume ${dir}: no config.json there (is it a run folder?)`);
    }
    return new RunFolder(dir);
  }

  /**
   * Removes the folder if the run never got going (no config.json written yet: the data or the
   * model was refused), so that a corrected command can use the same --out. Never touches a
   * folder that holds anything of a run.
   */
  async discardIfUnstarted(): Promise<void> {
    const entries = await outputEntries(this.dir);
    const unstarted = entries !== undefined && entries.every((e) => e === 'checkpoints') && ((await outputEntries(this.checkpointsDir)) ?? []).length === 0;
    if (unstarted) await rm(this.dir, { recursive: true, force: true });
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

function describeEntries(entries: readonly string[]): string {
  const shown = [...entries].sort().slice(0, 3).join(', ');
  return entries.length > 3 ? `${shown} and ${entries.length - 3} more` : shown;
}

/** Text or bytes written atomically and flushed: the one atomic writer, @skelnorm/data/node's. */
export { writeFileAtomic };

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
