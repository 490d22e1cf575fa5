import { isSampleName } from './sample-name.js';

/**
 * The dataset authors' lists of samples with missing or incomplete skeletons
 * (`NTU_RGBD_samples_with_missing_skeletons.txt`, 302 names; `NTU_RGBD120_...`, 535 names), which
 * every protocol leaves out of training and testing. The lists are data the user supplies: this
 * function reads their text; `@skelnorm/data/node` reads the files.
 */

/** File names under which the authors distribute the lists (NTU-60, NTU-120). */
export const missingSkeletonListFileNames: readonly string[] = Object.freeze([
  'NTU_RGBD_samples_with_missing_skeletons.txt',
  'NTU_RGBD120_samples_with_missing_skeletons.txt',
]);

/**
 * The sample names in a missing-skeleton list. Header and blank lines are skipped: a line counts
 * when, trimmed, it is exactly a sample name.
 *
 * @param source used in the error message.
 * @throws Error if the text holds no sample name at all (not a missing-skeleton list).
 */
export function parseMissingSkeletonList(text: string, source = '<missing-skeleton list>'): Set<string> {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const name = line.trim();
    if (isSampleName(name)) names.add(name);
  }
  if (names.size === 0) throw new Error(`${source}: expected a list of sample names SsssCcccPpppRrrrAaaa, one a line; found none`);
  return names;
}
