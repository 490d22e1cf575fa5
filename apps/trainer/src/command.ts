/** One `skelnorm <name>` subcommand. `run` returns the process exit code. */
export interface Command {
  readonly name: string;
  /** One line for `skelnorm --help`. */
  readonly summary: string;
  /** Full usage text for `skelnorm <name> --help`. */
  readonly usage: string;
  run(args: readonly string[], io: CommandIO): Promise<number>;
}

/** Where a command writes; tests pass their own to capture output. */
export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
  /** True when stdout is an interactive terminal (progress bars); false for plain lines. */
  readonly isTTY: boolean;
  /**
   * Raw write to stdout without a newline (progress bars redraw a line with `\r`). Optional:
   * without it a progress display falls back to whole lines.
   */
  write?(text: string): void;
  /** Terminal width in columns, when known. */
  readonly columns?: number;
}

/**
 * Set when a reader of stdout/stderr has gone (`skelnorm train | head`): further output to it is
 * dropped and the command carries on, so a training run still finishes and saves its run folder
 * instead of dying on EPIPE with a stack trace.
 */
const closed = { stdout: false, stderr: false };

/** Installs the EPIPE handlers on the process streams (once; the CLI's entry point calls it). */
export function guardClosedPipes(): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    if ((stream as { skelnormGuarded?: boolean }).skelnormGuarded) continue;
    (stream as { skelnormGuarded?: boolean }).skelnormGuarded = true;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed[name] = true;
      else throw error;
    });
  }
}

const writeTo = (name: 'stdout' | 'stderr', text: string) => {
  if (!closed[name]) process[name].write(text);
};

export const processIO: CommandIO = {
  out: (line) => writeTo('stdout', line + '\n'),
  err: (line) => writeTo('stderr', line + '\n'),
  get isTTY() {
    return Boolean(process.stdout.isTTY);
  },
  write: (text) => writeTo('stdout', text),
  get columns() {
    return process.stdout.columns;
  },
};

/** A user error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
