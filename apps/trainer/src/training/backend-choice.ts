import { setupBackend } from '@skelnorm/backends';
import type { CommandIO } from '../command.js';
import type { BackendFlag } from './train-config.js';

export interface ChosenBackend {
  readonly name: string;
  readonly reason: string;
}

/** Sets up the tfjs backend and prints the choice with its reason (every command does this first). */
export async function chooseBackend(prefer: BackendFlag, io: CommandIO): Promise<ChosenBackend> {
  const choice = await setupBackend({ prefer });
  io.out(`backend: ${choice.name} (${choice.reason})`);
  return { name: choice.name, reason: choice.reason };
}
