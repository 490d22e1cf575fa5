import { readFile } from 'node:fs/promises';
import { UsageError } from '../command.js';
import type { SampleScore } from '../training/sample-scores.js';
import type { ScoreSet } from './score-fusion.js';

const WRITTEN_BY = 'expected a score file written by `skelnorm eval RUN --scores FILE`';

/**
 * Reads a score file (`{ checkpoint, data, numClasses, classNames?, samples: [{ name, label, logits }] }`)
 * and checks every number where it enters: the class count, each label against it, each logit row's
 * length and finiteness. Errors name the file and the sample.
 */
export async function readScoreFile(path: string): Promise<ScoreSet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); ${WRITTEN_BY}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON (${(error as Error).message}); ${WRITTEN_BY}`);
  }
  return parseScoreFile(json, path);
}

/** `readScoreFile`'s checks on parsed JSON; `source` names the file in errors. */
export function parseScoreFile(json: unknown, source: string): ScoreSet {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError(`${source} is not a JSON object; ${WRITTEN_BY}`);
  const file = json as Record<string, unknown>;
  if ('fusion' in file) {
    throw new UsageError(`${source} holds fused scores written by \`skelnorm ensemble\` (probabilities, not logits); fuse the runs or score files it was made from`);
  }
  const numClasses = file.numClasses;
  if (typeof numClasses !== 'number' || !Number.isInteger(numClasses) || numClasses < 1) {
    throw new UsageError(`${source}: numClasses must be a positive integer, got ${JSON.stringify(numClasses)}; ${WRITTEN_BY}`);
  }
  if (!Array.isArray(file.samples) || file.samples.length === 0) throw new UsageError(`${source}: expected a non-empty samples array; ${WRITTEN_BY}`);
  // The model may score more classes than its test data holds (`numClasses`); fusion compares what the models output.
  const first = (file.samples[0] as { logits?: unknown } | null)?.logits;
  const width = Array.isArray(first) ? first.length : 0;
  if (width < numClasses) throw new UsageError(`${source}: the first sample has ${width} logits for ${numClasses} classes; expected one logit per class`);
  const samples = file.samples.map((entry: unknown, i: number) => parseSample(entry, i, numClasses, width, source));
  const classNames = file.classNames;
  const names = Array.isArray(classNames) && classNames.length === width && classNames.every((n) => typeof n === 'string') ? (classNames as string[]) : undefined;
  return { source, numClasses: width, samples, ...(names && { classNames: names }) };
}

function parseSample(entry: unknown, index: number, numClasses: number, width: number, source: string): SampleScore {
  const sample = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
  const { name, label, logits } = sample;
  if (typeof name !== 'string' || name === '') throw new UsageError(`${source}: sample ${index} has no name; ${WRITTEN_BY}`);
  if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= numClasses) {
    throw new UsageError(`${source}: sample ${name} has label ${JSON.stringify(label)}; expected an integer in [0, ${numClasses})`);
  }
  if (!Array.isArray(logits) || logits.length !== width) {
    throw new UsageError(`${source}: sample ${name} has ${Array.isArray(logits) ? logits.length : 'no'} logits; expected ${width} like the first sample, one per class`);
  }
  const bad = logits.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new UsageError(`${source}: sample ${name} has logit ${JSON.stringify(logits[bad])} for class ${bad}; expected a finite number`);
  return { name, label, logits: logits as number[] };
}
