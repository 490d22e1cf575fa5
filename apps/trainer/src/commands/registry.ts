import type { Command } from '../command.js';

// Explicit registry: one line per subcommand, no import-time discovery.
const loaders: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./train.js')).command,
  eval: async () => (await import('./eval.js')).command,
  doctor: async () => (await import('./doctor.js')).command,
  ablate: async () => (await import('./ablate.js')).command,
  ensemble: async () => (await import('./ensemble.js')).command,
  bench: async () => (await import('./bench.js')).command,
  synth: async () => (await import('./synth.js')).command,
  inspect: async () => (await import('./inspect.js')).command,
  pack: async () => (await import('./pack.js')).command,
  export: async () => (await import('./export.js')).command,
  worker: async () => (await import('./worker.js')).command,
};

export const commandNames = (): string[] => Object.keys(loaders).sort();

export async function loadCommand(name: string): Promise<Command | undefined> {
  const load = loaders[name];
  return load ? load() : undefined;
}
