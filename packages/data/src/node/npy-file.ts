import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { npyHeader, parseNpyHeader, toStgcnLayout } from '../npy.js';
import type { SkeletonSample } from '../skeleton-sample.js';
import { writeAll, writeFileAtomic } from './atomic-file.js';

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
 * label pickle, so Python users can check our data with `np.load`. Streams the samples; each file is
 * written atomically.
 */
export async function writeStgcnNpy(
  folder: string,
  samples: AsyncIterable<SkeletonSample> | Iterable<SkeletonSample>,
  options: WriteStgcnNpyOptions = {},
): Promise<StgcnNpyResult> {
  await mkdir(folder, { recursive: true });
  const dataPath = join(folder, options.dataFile ?? 'data.npy');
  const samplesPath = join(folder, options.samplesFile ?? 'samples.json');
  const names: string[] = [];
  const labels: number[] = [];
  let perSample: [number, number, number, number] | null = null;
  let first = '';
  const HEADER = 128; // room for any (N, C, T, V, M), rewritten once N is known
  await writeFileAtomic(dataPath, async (file) => {
    await writeAll(file, npyHeader([0, 0, 0, 0, 0], '<f4', HEADER), 0);
    let offset = HEADER;
    let scratch = new Float32Array(0);
    for await (const s of samples) {
      const shape: [number, number, number, number] = [s.channels, s.frames, s.joints, s.persons];
      if (!perSample) {
        perSample = shape;
        first = s.name;
      } else if (shape.some((d, i) => d !== perSample![i])) {
        throw new RangeError(`writeStgcnNpy: sample ${s.name} has (C, T, V, M) = (${shape}), expected (${perSample}) like ${first}`);
      }
      if (scratch.length !== s.data.length) scratch = new Float32Array(s.data.length);
      toStgcnLayout(s, scratch);
      await writeAll(file, new Uint8Array(scratch.buffer), offset);
      offset += scratch.byteLength;
      names.push(s.name);
      labels.push(s.label);
    }
    const header = npyHeader([names.length, ...(perSample ?? [3, 0, 25, 2])], '<f4', HEADER);
    if (header.length !== HEADER) throw new Error('writeStgcnNpy: header grew past its reserved size');
    await writeAll(file, header, 0);
  });
  const shape = [names.length, ...(perSample ?? [3, 0, 25, 2])] as [number, number, number, number, number];
  const json = JSON.stringify({ layout: 'N, C, T, V, M', shape, sample_name: names, label: labels, ...options.extra }, null, 1);
  await writeFileAtomic(samplesPath, async (file) => writeAll(file, new TextEncoder().encode(json + '\n'), 0));
  return { dataPath, samplesPath, shape };
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
