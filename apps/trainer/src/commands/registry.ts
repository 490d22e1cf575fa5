import type { Command } from '../command.js';

// Explicit registry: one line per subcommand, no import-time discovery.
const loaders: Record<string, () => Promise<Command>> = {
};

export const commandNames = (): string[] => Object.keys(loaders).sort();

export async function loadCommand(name: string): Promise<Command | undefined> {
  const load = loaders[name];
  return load ? load() : undefined;
}
