/**
 * NTU RGB+D sample names `SsssCcccPpppRrrrAaaa`: setup, camera, performer (subject), replication,
 * action, each a zero-padded 3-digit number (e.g. `S001C003P008R002A058`).
 */

/** The five numbers a sample name encodes. */
export interface SampleNameParts {
  /** Setup number, 1-32 (NTU-60: 1-17). */
  readonly setup: number;
  /** Camera number, 1-3. */
  readonly camera: number;
  /** Performer (subject) number, 1-106 (NTU-60: 1-40). */
  readonly performer: number;
  /** Replication, 1-2. */
  readonly replication: number;
  /** Action class number, 1-120 (NTU-60: 1-60); the 0-based label is `action - 1`. */
  readonly action: number;
}

const SAMPLE_NAME = /^S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})$/;
const SAMPLE_NAME_IN_PATH = /S\d{3}C\d{3}P\d{3}R\d{3}A\d{3}/g;

/** True if `name` is exactly a sample name (no folder, no extension). */
export function isSampleName(name: string): boolean {
  return SAMPLE_NAME.test(name);
}

/**
 * The parts of a sample name. Accepts a bare name or a path / file name that contains one
 * (`.../S001C001P001R001A001.skeleton`), taking the last match.
 *
 * @throws Error naming the input and the expected pattern when there is none.
 */
export function parseSampleName(nameOrPath: string): SampleNameParts {
  const name = sampleNameOf(nameOrPath);
  if (name === undefined) {
    throw new Error(`'${nameOrPath}': expected an NTU sample name SsssCcccPpppRrrrAaaa (e.g. S001C001P001R001A001)`);
  }
  const m = SAMPLE_NAME.exec(name)!;
  const parts = {
    setup: Number(m[1]),
    camera: Number(m[2]),
    performer: Number(m[3]),
    replication: Number(m[4]),
    action: Number(m[5]),
  };
  // A name outside NTU's ranges would turn into a label of -1 (A000) or 998 (A999) downstream.
  for (const [key, [letter, low, high]] of Object.entries(NTU_RANGES) as [keyof SampleNameParts, readonly [string, number, number]][]) {
    const v = parts[key];
    if (v < low || v > high) {
      throw new RangeError(`'${nameOrPath}': ${key} ${letter}${String(v).padStart(3, '0')} is outside NTU RGB+D's ${letter}${String(low).padStart(3, '0')}-${letter}${String(high).padStart(3, '0')}`);
    }
  }
  return parts;
}

/** The ranges of NTU RGB+D 120 (NTU-60 is the first 17 setups, 40 performers, 60 actions). */
const NTU_RANGES = {
  setup: ['S', 1, 32],
  camera: ['C', 1, 3],
  performer: ['P', 1, 106],
  replication: ['R', 1, 2],
  action: ['A', 1, 120],
} as const;

/** The sample name inside a path or file name (the last one), or undefined if there is none. */
export function sampleNameOf(nameOrPath: string): string | undefined {
  const matches = nameOrPath.match(SAMPLE_NAME_IN_PATH);
  return matches?.[matches.length - 1];
}

/** Builds `SsssCcccPpppRrrrAaaa`; every part must be an integer in 0-999. */
export function formatSampleName(parts: SampleNameParts): string {
  const pad = (key: keyof SampleNameParts) => {
    const v = parts[key];
    if (!Number.isInteger(v) || v < 0 || v > 999) throw new RangeError(`formatSampleName: ${key} must be an integer 0-999, got ${v}`);
    return String(v).padStart(3, '0');
  };
  return `S${pad('setup')}C${pad('camera')}P${pad('performer')}R${pad('replication')}A${pad('action')}`;
}

/** The 0-based NTU label of a sample name: `action - 1` (A001 -> 0, A120 -> 119). */
export function actionLabel(nameOrPath: string): number {
  return parseSampleName(nameOrPath).action - 1;
}
