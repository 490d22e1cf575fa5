import { guardClosedPipes, processIO, UsageError, type CommandIO } from './command.js';
import { commandNames, loadCommand } from './commands/registry.js';

/** Entry point of `skelnorm`; returns the exit code. */
export async function main(argv: readonly string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(await helpText());
    return name ? 0 : 2;
  }
  const command = await loadCommand(name);
  if (!command) {
    io.err(`skelnorm: unknown command '${name}'. Commands: ${commandNames().join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`skelnorm ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    io.err(`skelnorm ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function helpText(): Promise<string> {
  const lines = ['Usage: skelnorm <command> [options]', '', 'Commands:'];
  for (const name of commandNames()) {
    const command = await loadCommand(name);
    if (command) lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  }
  lines.push('', 'Run `skelnorm <command> --help` for its options.');
  return lines.join('\n');
}

/** The process entry point (`bin/skelnorm.js`): `main` on the process streams, a closed pipe tolerated. */
export async function runCli(argv: readonly string[]): Promise<number> {
  guardClosedPipes();
  return main(argv, processIO);
}
