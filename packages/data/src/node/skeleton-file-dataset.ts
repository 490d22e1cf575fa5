import { Dataset } from '../dataset.js';
import { packSkeletonAs, skeletonFieldsFor, type PackAnyLayoutOptions } from '../pack-by-layout.js';
import { sampleNameOf } from '../sample-name.js';
import type { SkeletonSample } from '../skeleton-sample.js';
import { splitOf, type NtuBenchmark, type SplitPart } from '../splits.js';
import { findMissingSkeletonLists, readMissingSkeletonLists } from './missing-skeleton-file.js';
import { listSkeletonFiles, readSkeletonFile } from './skeleton-files.js';

/** Options shared by the file-reading packers: everything of `packSkeletonAs` (any layout) but a fixed label. */
export type PackFilesOptions = Omit<PackAnyLayoutOptions, 'label'> & {
  /** Label of a file; default the action number in its name minus 1. */
  readonly labelOf?: (file: string) => number;
};

/** One file read with the fields its layout needs and packed for it. */
async function packFile(file: string, options: PackFilesOptions): Promise<SkeletonSample> {
  const parsed = await readSkeletonFile(file, { fields: skeletonFieldsFor(options.layout) });
  return packSkeletonAs(parsed, { ...options, label: options.labelOf?.(file) });
}

/**
 * A lazy dataset over `.skeleton` files: each file is read, parsed and packed when its element is
 * pulled (random access, so `shuffle` permutes indices and `prefetch` reads files concurrently).
 * A bad file rejects its element with the parse error (which names the file and line).
 */
export function skeletonFileDataset(files: readonly string[], options: PackFilesOptions = {}): Dataset<SkeletonSample> {
  const list = [...files];
  return Dataset.fromIndexed(list.length, async (i) => {
    return packFile(list[i]!, options);
  });
}

/** Options of {@link ntuDataset}. */
export interface NtuDatasetOptions extends PackFilesOptions {
  /** Folders (or files) of `.skeleton` files. */
  readonly paths: readonly string[];
  readonly benchmark: NtuBenchmark;
  readonly part: SplitPart;
  /**
   * Samples to leave out. `'auto'` (default) reads the dataset authors' lists found under their
   * official names in the given folders or their parents and fails if there is none; a path or list
   * of paths reads those; a set is used as is; `'none'` keeps every sample (on purpose).
   */
  readonly missingSkeletons?: 'auto' | 'none' | string | readonly string[] | ReadonlySet<string>;
}

/** Resolves the `missingSkeletons` option to a set of sample names. */
export async function resolveMissingSkeletons(
  option: NtuDatasetOptions['missingSkeletons'],
  folders: readonly string[],
): Promise<ReadonlySet<string>> {
  if (option === 'none') return new Set();
  if (option instanceof Set) return option;
  if (option === undefined || option === 'auto') {
    const found = await findMissingSkeletonLists(folders);
    if (found.length === 0) {
      throw new Error(
        `no missing-skeleton list (NTU_RGBD_samples_with_missing_skeletons.txt) found in ${folders.join(', ')} or their parents; ` +
          "pass missingSkeletons: '<path to the list>' or missingSkeletons: 'none' to keep every sample",
      );
    }
    return readMissingSkeletonLists(found);
  }
  return readMissingSkeletonLists(typeof option === 'string' ? [option] : (option as readonly string[]));
}

/**
 * One half of a standard benchmark from a folder of NTU `.skeleton` files: the files of the split,
 * without the missing-skeleton samples, as a lazy dataset of packed samples.
 */
export async function ntuDataset(options: NtuDatasetOptions): Promise<Dataset<SkeletonSample>> {
  const files = await listSkeletonFiles(options.paths);
  const missing = await resolveMissingSkeletons(options.missingSkeletons, options.paths);
  const selected = files.filter((file) => {
    const name = sampleNameOf(file);
    return name !== undefined && !missing.has(name) && splitOf(name, options.benchmark) === options.part;
  });
  return skeletonFileDataset(selected, options);
}

/** What happened to one file in {@link packSkeletonFiles}. */
export type PackFileOutcome =
  | { readonly file: string; readonly sample: SkeletonSample }
  | { readonly file: string; readonly error: Error }
  | { readonly file: string; readonly skipped: 'missing-skeleton' };

/** Options of {@link packSkeletonFiles}. */
export interface PackSkeletonFilesOptions extends PackFilesOptions {
  /** Sample names to skip (reported as skipped). Default none. */
  readonly missingSkeletons?: ReadonlySet<string>;
  /** Stop at the first bad file (rethrow its error); default false: report it and go on. */
  readonly strict?: boolean;
}

/**
 * Reads, parses and packs files one after another, reporting each outcome: bad files do not stop
 * the rest unless `strict`.
 */
export async function* packSkeletonFiles(files: readonly string[], options: PackSkeletonFilesOptions = {}): AsyncGenerator<PackFileOutcome> {
  for (const file of files) {
    const name = sampleNameOf(file);
    if (name !== undefined && options.missingSkeletons?.has(name)) {
      yield { file, skipped: 'missing-skeleton' };
      continue;
    }
    try {
      yield { file, sample: await packFile(file, options) };
    } catch (error) {
      if (options.strict) throw error;
      yield { file, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }
}
