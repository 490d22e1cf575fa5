import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { npyHeader, parseNpyHeader, toStgcnLayout } from '../npy.js';
import type { SkeletonSample } from '../skeleton-sample.js';
import { removeStaleTemporaries, writeAll, writeFileAtomic, writeFolderAtomic } from './atomic-file.js';

/** Options of {@link writeStgcnNpy}. */
export interface WriteStgcnNpyOptions {
  /** Data file name in the folder; default `data.npy`. */
  readonly dataFile?: string;
  /** Sample list file name in the folder; default `samples.json`. */
  readonly samplesFile?: string;
  /** Extra fields for the JSON file (e.g. the files that failed). */
  readonly extra?: Record<string, unknown>;
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
  await removeStaleTemporaries(dirname(folder));
  // Both files are committed together: a kill between them never leaves a new data.npy with an old list.
  const shape = await writeFolderAtomic(folder, async (temporary) => {
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
      if (names.length === 0) throw new RangeError(`writeStgcnNpy: no samples; nothing was written to ${folder}`);
      const header = npyHeader([names.length, ...perSample!], '<f4', HEADER);
      if (header.length !== HEADER) throw new Error('writeStgcnNpy: header grew past its reserved size');
      await writeAll(file, header, 0);
    });
    const written = [names.length, ...perSample!] as [number, number, number, number, number];
    const json = JSON.stringify({ layout: 'N, C, T, V, M', shape: written, sample_name: names, label: labels, ...options.extra }, null, 1);
    await writeFileAtomic(join(temporary, samplesFile), async (file) => writeAll(file, new TextEncoder().encode(json + '\n'), 0));
    return written;
  });
  return { dataPath: join(folder, dataFile), samplesPath: join(folder, samplesFile), shape };
}

/** Reads a float32 or int32 `.npy` file (C order). */
export async function readNpy(path: string): Promise<{ shape: number[]; dtype: string; data: Float32Array | Int32Array }> {
  const bytes = new Uint8Array(await readFile(path));
  const info = parseNpyHeader(bytes, path);
  if (info.fortranOrder) throw new Error(`${path}: Fortran-order arrays are not supported`);
  const count = info.shape.reduce((a, b) => a * b, 1);
  const body = bytes.slice(info.dataOffset, info.dataOffset + count * 4);
  if (body.length !== count * 4) throw new Error(`${path}: truncated .npy (expected ${count * 4} data bytes)`);
  if (info.dtype === '<f4') return { shape: info.shape, dtype: info.dtype, data: new Float32Array(body.buffer) };
  if (info.dtype === '<i4') return { shape: info.shape, dtype: info.dtype, data: new Int32Array(body.buffer) };
  throw new Error(`${path}: dtype ${info.dtype} is not supported (expected <f4 or <i4)`);
}
