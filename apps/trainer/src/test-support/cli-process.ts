import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SOURCE_NODE_ARGS } from '@skelnorm/test-support';

const entry = fileURLToPath(new URL('./run-cli.ts', import.meta.url));

/** `skelnorm <args>` in a child process from sources, its output lines kept for waiting on. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly name: string;
  /** stdout and stderr lines, in arrival order. */
  readonly lines: string[];
  /** Resolves with the first line (from `from` on) that matches; rejects on timeout or exit, with the output. */
  waitFor(pattern: RegExp, timeoutMs: number, from?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (128 + n for signal n); rejects after `timeoutMs` with the output. */
  exit(timeoutMs: number): Promise<number>;
  output(): string;
}

export function spawnCli(name: string, args: readonly string[]): CliProcess {
  const child = spawn(process.execPath, [...SOURCE_NODE_ARGS, entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (line) => (lines.push(line), notify()));
  let exitCode: number | undefined;
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
      // Lines still in the pipes arrive after 'exit'; 'close' is when they all have.
      child.once('close', () => {
        notify();
        resolve(exitCode!);
      });
    });
  });
  const output = () => `--- ${name} (pid ${child.pid}) output:\n${lines.join('\n')}`;
  return {
    child,
    pid: child.pid!,
    name,
    lines,
    output,
    waitFor(pattern, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (let i = from; i < lines.length; i++) {
            const match = lines[i]!.match(pattern);
            if (match) return finish(() => resolve(match));
          }
          if (exitCode !== undefined && child.stdout!.readableEnded && child.stderr!.readableEnded) {
            finish(() => reject(new Error(`${name} exited (code ${exitCode}) without printing a line that matches ${pattern}\n${output()}`)));
          }
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms\n${output()}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    exit(timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not exit within ${timeoutMs} ms\n${output()}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
    },
  };
}
