import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fromStgcnLayout, npyHeader, parseNpyHeader, toStgcnLayout } from '../npy.js';
import { checkSampleLabels } from '../sample-labels.js';
import { personMaskOf } from '../skeleton-sample.js';
import type { SkeletonSample } from '../skeleton-sample.js';
import { removeStaleTemporaries, writeAll, writeFileAtomic, writeFolderAtomic } from './atomic-file.js';
import { decodeNpy } from './npy-array.js';

/** Options of {@link writeStgcnNpy}. */
export interface WriteStgcnNpyOptions {
  /** Data file name in the folder; default `data.npy`. */
  readonly dataFile?: string;
  /** Sample list file name in the folder; default `samples.json`. */
  readonly samplesFile?: string;
  /** Extra fields for the JSON file (e.g. the files that failed). */
  readonly extra?: Record<string, unknown>;
}

/** {@link writeStgcnNpy} got no sample: nothing was written, `folder` is as it was. */
export class EmptyExportError extends RangeError {
  override name = 'EmptyExportError';
  constructor(readonly folder: string) {
    super(`writeStgcnNpy: no samples; nothing was written to ${folder}`);
  }
}

/** What {@link writeStgcnNpy} wrote. */
export interface StgcnNpyResult {
  readonly dataPath: string;
  readonly samplesPath: string;
  /** `(N, C, T, V, M)`. */
  readonly shape: readonly [number, number, number, number, number];
}

/**
 * Exports packed samples in ST-GCN's PyTorch layout: `data.npy`, float32 `(N, 3, T, 25, 2)`, and
 * `samples.json` with `sample_name` (list of names) and `label` (0-based), the two lists of ST-GCN's
 * label pickle, so Python users can check our data with `np.load`. Streams the samples; the two
 * files are committed as one unit (`writeFolderAtomic`): `folder` is replaced whole, so it must hold
 * nothing but an earlier export. No samples: an error, and `folder` stays as it was.
 */
export async function writeStgcnNpy(
  folder: string,
  samples: AsyncIterable<SkeletonSample> | Iterable<SkeletonSample>,
  options: WriteStgcnNpyOptions = {},
): Promise<StgcnNpyResult> {
  const dataFile = options.dataFile ?? 'data.npy';
  const samplesFile = options.samplesFile ?? 'samples.json';
  await mkdir(dirname(folder), { recursive: true });
  await removeStaleTemporaries(dirname(folder), basename(folder));
  // Both files are committed together: a kill between them never leaves a new data.npy with an old list.
  const shape = await writeFolderAtomic(folder, [dataFile, samplesFile], async (temporary) => {
    const names: string[] = [];
    const labels: number[] = [];
    let perSample: [number, number, number, number] | null = null;
    let first = '';
    const HEADER = 128; // room for any (N, C, T, V, M), rewritten once N is known
    await writeFileAtomic(join(temporary, dataFile), async (file) => {
      await writeAll(file, npyHeader([0, 0, 0, 0, 0], '<f4', HEADER), 0);
      let offset = HEADER;
      let scratch = new Float32Array(0);
      for await (const s of samples) {
        const sampleShape: [number, number, number, number] = [s.channels, s.frames, s.joints, s.persons];
        if (!perSample) {
          perSample = sampleShape;
          first = s.name;
        } else if (sampleShape.some((d, i) => d !== perSample![i])) {
          throw new RangeError(`writeStgcnNpy: sample ${s.name} has (C, T, V, M) = (${sampleShape}), expected (${perSample}) like ${first}`);
        }
        if (scratch.length !== s.data.length) scratch = new Float32Array(s.data.length);
        toStgcnLayout(s, scratch);
        await writeAll(file, new Uint8Array(scratch.buffer), offset);
        offset += scratch.byteLength;
        names.push(s.name);
        labels.push(s.label);
      }
      if (names.length === 0) throw new EmptyExportError(folder);
      const header = npyHeader([names.length, ...perSample!], '<f4', HEADER);
      if (header.length !== HEADER) throw new Error('writeStgcnNpy: header grew past its reserved size');
      await writeAll(file, header, 0);
    });
    const written = [names.length, ...perSample!] as [number, number, number, number, number];
    const json = JSON.stringify({ layout: 'N, C, T, V, M', shape: written, sample_name: names, label: labels, ...options.extra }, null, 1);
    await writeFileAtomic(join(temporary, samplesFile), json + '\n');
    return written;
  });
  return { dataPath: join(folder, dataFile), samplesPath: join(folder, samplesFile), shape };
}

/** Reads a float32 or int32 `.npy` file (C order): {@link decodeNpy}'s checks, then the two dtypes. */
export async function readNpy(path: string): Promise<{ shape: number[]; dtype: string; data: Float32Array | Int32Array }> {
  const { shape, dtype, data } = decodeNpy(new Uint8Array(await readFile(path)), path);
  if (data instanceof Float32Array || data instanceof Int32Array) return { shape, dtype, data };
  throw new Error(`${path}: dtype ${dtype} is not supported (expected <f4 or <i4)`);
}

/** What {@link readStgcnNpy} read. */
export interface StgcnNpyExport {
  /** `[M, T, V, C]` samples. */
  readonly samples: SkeletonSample[];
  /** Highest label + 1 (the labels are checked with `checkSampleLabels` as they are read). */
  readonly numClasses: number;
  readonly shape: readonly [number, number, number, number, number];
  readonly dataPath: string;
  readonly samplesPath: string;
}

/**
 * Reads what {@link writeStgcnNpy} writes (or the same pair made in Python): `data.npy` float32
 * `(N, C, T, V, M)` and `samples.json` with `sample_name` and `label`. Checks that the two belong
 * together (the list's `shape`, when it has one, and its length against N), that every coordinate is
 * finite and every label a class index. Errors name the file, the field or sample, and what was expected.
 */
export async function readStgcnNpy(folder: string, options: { readonly dataFile?: string; readonly samplesFile?: string } = {}): Promise<StgcnNpyExport> {
  const dataPath = join(folder, options.dataFile ?? 'data.npy');
  const samplesPath = join(folder, options.samplesFile ?? 'samples.json');
  let list: { sample_name?: unknown; label?: unknown; shape?: unknown };
  try {
    list = JSON.parse(await readFile(samplesPath, 'utf8')) as typeof list;
  } catch (error) {
    throw new Error(`${samplesPath}: not valid JSON (${error instanceof Error ? error.message : String(error)}); expected { "sample_name": [...], "label": [...] }`);
  }
  if (!Array.isArray(list.sample_name) || !list.sample_name.every((n) => typeof n === 'string')) {
    throw new Error(`${samplesPath}: "sample_name" must be an array of strings, one per sample of ${basename(dataPath)}`);
  }
  if (!Array.isArray(list.label)) throw new Error(`${samplesPath}: "label" must be an array of integers, one per sample of ${basename(dataPath)}`);
  const names = list.sample_name as string[];
  const labels = list.label as number[];
  const npy = await readNpy(dataPath);
  if (!(npy.data instanceof Float32Array) || npy.shape.length !== 5) {
    throw new Error(`${dataPath}: expected float32 (N, C, T, V, M), got ${npy.dtype} (${npy.shape.join(', ')})`);
  }
  const shape = npy.shape as [number, number, number, number, number];
  const [n, c, t, v, m] = shape;
  // Written as one unit: a pair that does not belong together was mixed by hand.
  if (Array.isArray(list.shape) && list.shape.join() !== shape.join()) {
    throw new Error(`${samplesPath} describes data of shape (${list.shape.join(', ')}) but ${dataPath} is (${shape.join(', ')}): the two files do not belong together; pack again`);
  }
  if (names.length !== n || labels.length !== n) throw new Error(`${samplesPath}: ${names.length} names and ${labels.length} labels for ${n} samples in ${dataPath}`);
  const size = c * t * v * m;
  const bad = npy.data.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    const i = Math.floor(bad / size);
    throw new Error(`${dataPath}: sample ${i} (${names[i]}) holds ${npy.data[bad]} at flat index ${bad}; coordinates must be finite`);
  }
  const samples: SkeletonSample[] = names.map((name, i) => {
    const data = fromStgcnLayout(npy.data.subarray(i * size, (i + 1) * size) as Float32Array, [c, t, v, m]);
    return { name, label: labels[i]!, data, persons: m, frames: t, joints: v, channels: c, validFrames: t, personMask: personMaskOf(data, m) };
  });
  return { samples, numClasses: checkSampleLabels(samples, samplesPath), shape, dataPath, samplesPath };
}
