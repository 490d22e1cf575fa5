import { UsageError } from '../command.js';
import type { SampleScore } from '../training/sample-scores.js';

/** One input of a fusion: every test sample's logits from one run (or one score file). */
export interface ScoreSet {
  /** What the user passed (run folder, checkpoint or score file): named in every message. */
  readonly source: string;
  readonly numClasses: number;
  readonly classNames?: readonly string[];
  readonly samples: readonly SampleScore[];
}

/**
 * How the inputs' scores are combined:
 * - `prob`: softmax of each input's logits, then the weighted sum. PYSKL's recipe: its GCN
 *   recognizers test with `average_clips='prob'`, so the score files its 2:2:1:1 fusions add up
 *   are class probabilities.
 * - `logits`: the weighted sum of the raw logits, as CTR-GCN's `ensemble.py` adds the
 *   `epoch1_test_score.pkl` outputs (0.6:0.6:0.4:0.4). Kept to reproduce its numbers.
 */
export const FUSION_METHODS = ['prob', 'logits'] as const;
export type FusionMethod = (typeof FUSION_METHODS)[number];

/** A fused test sample: its name, label and one score per class. */
export interface FusedSample {
  readonly name: string;
  readonly label: number;
  readonly scores: number[];
}

/**
 * Checks that `sets` describe the same test samples, by name: the same class count, the same
 * sample names (order free) and the same label for each. The first difference is named.
 */
export function assertSameTestSamples(sets: readonly ScoreSet[]): void {
  const [first, ...rest] = sets;
  if (!first) throw new UsageError('nothing to fuse; give at least two runs or score files');
  const reference = byName(first);
  for (const other of rest) {
    if (other.numClasses !== first.numClasses) {
      throw new UsageError(`${other.source} scores ${other.numClasses} classes but ${first.source} scores ${first.numClasses}; fused runs must classify the same classes`);
    }
    const own = byName(other);
    for (const sample of first.samples) {
      if (!own.has(sample.name)) throw new UsageError(missing(sample.name, first, other));
    }
    for (const sample of other.samples) {
      const theirs = reference.get(sample.name);
      if (!theirs) throw new UsageError(missing(sample.name, other, first));
      if (theirs.label !== sample.label) {
        throw new UsageError(`sample ${sample.name} has label ${theirs.label} in ${first.source} but ${sample.label} in ${other.source}; the runs were tested on differently labelled data`);
      }
    }
  }
}

const missing = (name: string, has: ScoreSet, lacks: ScoreSet) =>
  `sample ${name} of ${has.source} is missing from ${lacks.source} (${has.samples.length} vs ${lacks.samples.length} test samples); fused runs must be tested on the same samples`;

function byName(set: ScoreSet): Map<string, SampleScore> {
  const map = new Map<string, SampleScore>();
  for (const sample of set.samples) {
    if (map.has(sample.name)) throw new UsageError(`${set.source}: sample ${sample.name} appears twice; a score file holds each test sample once`);
    map.set(sample.name, sample);
  }
  return map;
}

/** Numerically stable softmax (the largest logit is subtracted first), in float64. */
export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/**
 * The fused score of every sample: `sum_i weights[i] * f(logits_i)` with `f` = softmax (`prob`)
 * or the identity (`logits`). Samples are joined by name, never by position, and returned sorted by
 * name, so the inputs' sample order changes nothing. Call `assertSameTestSamples` first.
 */
export function fuseScores(sets: readonly ScoreSet[], weights: readonly number[], method: FusionMethod): FusedSample[] {
  if (weights.length !== sets.length) throw new UsageError(`${weights.length} weights for ${sets.length} inputs; give one weight per input, in the inputs' order`);
  const maps = sets.map(byName);
  const names = sets[0]!.samples.map((s) => s.name).sort(compareNames);
  return names.map((name) => {
    const scores = new Array<number>(sets[0]!.numClasses).fill(0);
    let label = -1;
    maps.forEach((map, i) => {
      const sample = map.get(name)!;
      label = sample.label;
      const values = method === 'prob' ? softmax(sample.logits) : sample.logits;
      values.forEach((v, c) => (scores[c]! += weights[i]! * v));
    });
    return { name, label, scores };
  });
}

/** Code-unit order: the same on every machine and locale. */
export const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Top-1, top-5 and per-class top-1 of scored samples. */
export interface ScoreAccuracy {
  readonly count: number;
  readonly top1: number;
  /** Top-5 (top-K when there are K < 5 classes). */
  readonly top5: number;
  /** Top-1 of each class's samples; NaN for a class without samples. */
  readonly perClassAccuracy: number[];
  readonly perClassCount: number[];
}

/**
 * Accuracy with `evaluate`'s rule, so the numbers match `skelnorm eval`: a sample is a top-k hit
 * when fewer than k classes score strictly above its label; top-1 is the first largest score.
 */
export function scoreAccuracy(samples: readonly { readonly label: number; readonly scores: readonly number[] }[], numClasses: number): ScoreAccuracy {
  const k = Math.min(5, numClasses);
  const hits = new Array<number>(numClasses).fill(0);
  const counts = new Array<number>(numClasses).fill(0);
  let top1 = 0;
  let top5 = 0;
  for (const { label, scores } of samples) {
    const own = scores[label]!;
    const above = scores.filter((s) => s > own).length;
    const predicted = scores.indexOf(Math.max(...scores));
    counts[label]!++;
    if (predicted === label) {
      top1++;
      hits[label]!++;
    }
    if (above < k) top5++;
  }
  const count = samples.length;
  return {
    count,
    top1: count > 0 ? top1 / count : Number.NaN,
    top5: count > 0 ? top5 / count : Number.NaN,
    perClassAccuracy: hits.map((h, c) => (counts[c]! > 0 ? h / counts[c]! : Number.NaN)),
    perClassCount: counts,
  };
}

/** An input's own accuracy, from its logits (softmax keeps the ranking). */
export const inputAccuracy = (set: ScoreSet): ScoreAccuracy =>
  scoreAccuracy(set.samples.map((s) => ({ label: s.label, scores: s.logits })), set.numClasses);
