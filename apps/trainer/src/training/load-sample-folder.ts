import type { SkeletonSample } from '@skelnorm/data';
import { UsageError, type CommandIO } from '../command.js';

export interface SampleFolder {
  readonly samples: SkeletonSample[];
  readonly numClasses: number;
  readonly description: string;
  readonly classNames?: readonly string[];
}

/** Loads a packed cache folder or a folder of `.skeleton` files (via `@skelnorm/data/node`). */
export async function loadSampleFolder(path: string, frames: number, io?: CommandIO): Promise<SampleFolder> {
  void frames;
  void io;
  throw new UsageError(`--data ${path}: reading folders needs @skelnorm/data/node, which is not available yet`);
}
