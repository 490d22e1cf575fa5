import type { CommandIO } from '../command.js';

export interface CapturedIO extends CommandIO {
  readonly stdout: string[];
  readonly stderr: string[];
  /** Everything written raw (progress bar redraws). */
  readonly raw: string[];
  text(): string;
}

/** An io that records output; `isTTY` selects bar or plain-line progress. */
export function captureIO(options: { isTTY?: boolean; columns?: number } = {}): CapturedIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const raw: string[] = [];
  return {
    stdout,
    stderr,
    raw,
    isTTY: options.isTTY ?? false,
    columns: options.columns ?? 100,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    write: (text) => raw.push(text),
    text: () => [...stdout, ...stderr].join('\n'),
  };
}
