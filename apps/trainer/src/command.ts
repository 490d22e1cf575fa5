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

export const processIO: CommandIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  get isTTY() {
    return Boolean(process.stdout.isTTY);
  },
  write: (text) => {
    process.stdout.write(text);
  },
  get columns() {
    return process.stdout.columns;
  },
};

/** A user error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
