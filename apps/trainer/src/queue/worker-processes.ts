import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import type { CommandIO } from '../command.js';

/**
 * `worker --concurrency N`: N worker processes of this same command, each taking one job at a time,
 * their output prefixed with `[worker i]`. Signals are passed on (so Ctrl-C means the same for
 * all); the exit code is the worst of theirs. Each child holds an IPC channel to this process only
 * so that it notices when this process is gone (even SIGKILLed) and stops instead of lingering.
 */
export async function runWorkerProcesses(args: readonly string[], count: number, io: CommandIO): Promise<number> {
  const script = process.argv[1];
  if (script === undefined) throw new Error('worker --concurrency: cannot tell which script started this process, to start more of it');
  const childArgs = ['worker', ...withoutConcurrency(args)];
  const children: ChildProcess[] = [];
  const exits = Array.from({ length: count }, (_, i) => {
    const child = spawn(process.execPath, [...process.execArgv, script, ...childArgs], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Their own process group: a terminal's Ctrl-C reaches this process once, and it passes it on
      // once (a child that got it twice would hand its job back instead of finishing it).
      detached: true,
    });
    children.push(child);
    const prefix = `[worker ${i + 1}] `;
    createInterface({ input: child.stdout! }).on('line', (line) => io.out(prefix + line));
    createInterface({ input: child.stderr! }).on('line', (line) => io.err(prefix + line));
    return new Promise<number>((resolve) => {
      child.on('error', (error) => {
        io.err(`${prefix}could not start: ${error.message}`);
        resolve(1);
      });
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  });
  const pass = (signal: NodeJS.Signals) => () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const onInt = pass('SIGINT');
  const onTerm = pass('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return Math.max(...(await Promise.all(exits)));
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

/** The arguments without `--concurrency N` (or `--concurrency=N`): each child is one process. */
function withoutConcurrency(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--concurrency') i++;
    else if (!args[i]!.startsWith('--concurrency=')) out.push(args[i]!);
  }
  return out;
}
