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
}

export const processIO: CommandIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  get isTTY() {
    return Boolean(process.stdout.isTTY);
  },
};

/** A user error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
