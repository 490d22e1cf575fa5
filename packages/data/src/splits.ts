import { parseSampleName, type SampleNameParts } from './sample-name.js';

/**
 * The four standard NTU RGB+D benchmarks and their official ID lists (Shahroudy et al., CVPR 2016;
 * Liu et al., TPAMI 2019), as every public pipeline uses them.
 */

/** NTU-60 cross-subject: the 20 training performers (all others of 1-40 test). */
export const xsubTrainSubjects: readonly number[] = Object.freeze([
  1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38,
]);

/** NTU-120 cross-subject: the 53 training performers (the other 53 of 1-106 test). */
export const ntu120XsubTrainSubjects: readonly number[] = Object.freeze([
  ...xsubTrainSubjects,
  45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84, 85, 86, 89, 91, 92,
  93, 94, 95, 97, 98, 100, 103,
]);

/** NTU-60 cross-view: training cameras (camera 1 tests). */
export const xviewTrainCameras: readonly number[] = Object.freeze([2, 3]);

/** NTU-120 cross-setup: training setups, the even numbers 2-32 (odd ones test). */
export const xsetTrainSetups: readonly number[] = Object.freeze(Array.from({ length: 16 }, (_, i) => 2 * (i + 1)));

/** Which benchmark: NTU-60 X-Sub / X-View, NTU-120 X-Sub / X-Set. */
export type NtuBenchmark = 'ntu60-xsub' | 'ntu60-xview' | 'ntu120-xsub' | 'ntu120-xset';

/** The two halves of a benchmark. */
export type SplitPart = 'train' | 'test';

/** All benchmarks, for option parsing and help text. */
export const ntuBenchmarks: readonly NtuBenchmark[] = Object.freeze(['ntu60-xsub', 'ntu60-xview', 'ntu120-xsub', 'ntu120-xset']);

const xsub60 = new Set(xsubTrainSubjects);
const xsub120 = new Set(ntu120XsubTrainSubjects);
const xview = new Set(xviewTrainCameras);

/** True if the sample belongs to the dataset of the benchmark (NTU-60: setups 1-17, actions 1-60). */
export function inBenchmark(parts: SampleNameParts, benchmark: NtuBenchmark): boolean {
  if (benchmark.startsWith('ntu60')) return parts.setup >= 1 && parts.setup <= 17 && parts.action >= 1 && parts.action <= 60;
  return parts.setup >= 1 && parts.setup <= 32 && parts.action >= 1 && parts.action <= 120;
}

/**
 * The half of `benchmark` a sample belongs to, or null if the sample is not part of that dataset
 * (e.g. an NTU-120 action under an NTU-60 benchmark).
 */
export function splitOf(nameOrParts: string | SampleNameParts, benchmark: NtuBenchmark): SplitPart | null {
  const parts = typeof nameOrParts === 'string' ? parseSampleName(nameOrParts) : nameOrParts;
  if (!inBenchmark(parts, benchmark)) return null;
  switch (benchmark) {
    case 'ntu60-xsub':
      return xsub60.has(parts.performer) ? 'train' : 'test';
    case 'ntu60-xview':
      return xview.has(parts.camera) ? 'train' : 'test';
    case 'ntu120-xsub':
      return xsub120.has(parts.performer) ? 'train' : 'test';
    case 'ntu120-xset':
      return parts.setup % 2 === 0 ? 'train' : 'test';
    default:
      throw new RangeError(`splitOf: unknown benchmark '${String(benchmark)}'; expected one of ${ntuBenchmarks.join(', ')}`);
  }
}

/** Options of {@link selectSplit}. */
export interface SelectSplitOptions {
  /**
   * Sample names to leave out (the dataset authors' missing-skeleton list, see
   * `parseMissingSkeletonList`). Required: pass an empty set to keep every sample on purpose.
   */
  readonly missingSkeletons: ReadonlySet<string>;
}

/**
 * The names among `names` (sample names, or paths containing them) that fall in `part` of
 * `benchmark`, in their given order, leaving out the missing-skeleton samples.
 */
export function selectSplit(
  names: readonly string[],
  benchmark: NtuBenchmark,
  part: SplitPart,
  options: SelectSplitOptions,
): string[] {
  return names.filter((name) => {
    const parts = parseSampleName(name);
    const sample = formatParts(parts);
    return !options.missingSkeletons.has(sample) && splitOf(parts, benchmark) === part;
  });
}

function formatParts(p: SampleNameParts): string {
  const d = (v: number) => String(v).padStart(3, '0');
  return `S${d(p.setup)}C${d(p.camera)}P${d(p.performer)}R${d(p.replication)}A${d(p.action)}`;
}
