import { isSampleName } from './sample-name.js';

/** NTU RGB+D 120's action classes: labels of NTU-named samples are 0-119. */
export const NTU_MAX_CLASSES = 120;

/**
 * Checks the labels of loaded samples where they enter: each must be an integer >= 0 (not -1, 2.5,
 * null, a string), and below `maxClasses` when given, or below 120 when the samples carry NTU names
 * (a label of 999 would silently build a 1000-class model). Returns the class count (highest label
 * + 1). Throws an Error naming `source`, the sample (index and name) and what was expected.
 */
export function checkSampleLabels(
  samples: readonly { readonly name: string; readonly label: unknown }[],
  source: string,
  options: { readonly maxClasses?: number } = {},
): number {
  const ntu = samples.length > 0 && samples.every((s) => isSampleName(s.name));
  const limit = options.maxClasses ?? (ntu ? NTU_MAX_CLASSES : Infinity);
  let highest = -1;
  samples.forEach((s, i) => {
    const label = s.label;
    const where = `${source}: sample ${i} (${s.name})`;
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0) {
      throw new Error(`${where}: label ${JSON.stringify(label)} is not a class index (expected an integer >= 0)`);
    }
    if (label >= limit) {
      throw new Error(
        `${where}: label ${label} is beyond the ${limit} classes ${options.maxClasses !== undefined ? 'expected' : 'of NTU RGB+D 120'} (expected 0-${limit - 1})`,
      );
    }
    highest = Math.max(highest, label);
  });
  return highest + 1;
}
