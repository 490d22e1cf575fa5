import type { SkeletonSample } from '../skeleton-sample.js';
import { decodeNpy, forEachNpyRow, type NpyArray } from './npy-array.js';
import { sampleOf, type PresplitSamples } from './presplit-samples.js';
import { openZipArchive, type ZipArchive, type ZipMember } from './zip-archive.js';

/**
 * CTR-GCN's preprocessed NTU data (`data/ntu/seq_transformation.py`: `NTU60_CS.npz`, ...): an `.npz`
 * with `x_train`, `x_test` of shape `(N, T, M*V*C)` and one-hot `y_train`, `y_test` of shape
 * `(N, classes)`. The last axis of x is person-major, then joint, then coordinate: CTR-GCN's feeder
 * reads it with `reshape((N, T, 2, 25, 3))`. Samples have no names in this format; they are named
 * `x_train[i]` and `x_test[i]`.
 */

const V = 25;
const C = 3;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * One sample from CTR-GCN's `(T, M, V, C)` (its flat `(T, M*V*C)` row) to our `[M, T, V, C]`:
 * `out[((m * T + t) * V + v) * C + c] = x[((t * M + m) * V + v) * C + c]`.
 */
export function fromCtrgcnLayout(x: ArrayLike<number>, shape: readonly [number, number, number, number]): Float32Array {
  const [T, M, joints, channels] = shape;
  const row = joints * channels;
  if (x.length !== T * M * row) throw new RangeError(`fromCtrgcnLayout: ${x.length} values do not fill (${shape.join(', ')})`);
  const out = new Float32Array(x.length);
  for (let t = 0; t < T; t++)
    for (let m = 0; m < M; m++)
      for (let i = 0; i < row; i++) out[(m * T + t) * row + i] = x[(t * M + m) * row + i]!;
  return out;
}

/**
 * Reads a CTR-GCN `.npz` (stored by `np.savez` or deflated by `np.savez_compressed`). Checks every
 * member's CRC-32, that x is float (float32, or float64 within float32's range) of shape
 * `(N, T, M*25*3)` with finite coordinates, that y is `(N, classes)` with exactly one 1 per row and
 * zeros elsewhere, with the same N as its x and the same class count in both splits.
 *
 * @throws Error naming the file, the array, the row or sample, and what was expected.
 */
export async function readCtrgcnNpz(path: string): Promise<PresplitSamples> {
  const archive = await openZipArchive(path);
  try {
    const train = await readSplit(archive, 'train');
    const test = await readSplit(archive, 'test');
    if (train.classes !== test.classes) throw new Error(`${path}: y_train has ${train.classes} classes (columns) but y_test has ${test.classes}; expected the same one-hot width`);
    if (train.shape.slice(1).join() !== test.shape.slice(1).join()) {
      throw new Error(`${path}: x_train is (N, ${train.shape.slice(1).join(', ')}) but x_test is (N, ${test.shape.slice(1).join(', ')}); expected the same T and M*V*C`);
    }
    const describeSplit = (name: string, s: { shape: number[]; classes: number }) => `x_${name} (${s.shape.join(', ')}), y_${name} (${s.shape[0]}, ${s.classes})`;
    return {
      train: train.samples,
      test: test.samples,
      numClasses: train.classes,
      sameSamplesForTrainAndTest: false,
      description: `CTR-GCN ${describeSplit('train', train)}, ${describeSplit('test', test)}`,
    };
  } finally {
    await archive.close();
  }
}

function member(archive: ZipArchive, name: string): ZipMember {
  const found = archive.members.find((m) => m.name === `${name}.npy`);
  if (!found) {
    const held = archive.members.map((m) => m.name.replace(/\.npy$/, '')).join(', ') || 'nothing';
    throw new Error(`${archive.path}: no ${name} array (it holds ${held}); expected x_train, y_train, x_test, y_test as CTR-GCN's seq_transformation.py saves them`);
  }
  return found;
}

async function readSplit(archive: ZipArchive, split: 'train' | 'test'): Promise<{ samples: SkeletonSample[]; shape: number[]; classes: number }> {
  const path = archive.path;
  const [xName, yName] = [`x_${split}`, `y_${split}`];
  const xMember = member(archive, xName);
  const y = decodeNpy(await archive.read(member(archive, yName)), `${path}: ${yName}`);
  if (y.shape.length !== 2 || y.shape[1]! < 1) throw new Error(`${path}: ${yName} has shape (${y.shape.join(', ')}); expected (N, classes), one-hot`);
  const labels = oneHotLabels(y, `${path}: ${yName}`, xName);
  // x streams row by row: NTU-60's x_train is 7 GB, more than a buffer holds.
  let shape: number[] = [];
  const samples: SkeletonSample[] = [];
  await forEachNpyRow(
    archive.chunks(xMember),
    `${path}: ${xName}`,
    (header) => {
      shape = header.shape;
      const [n, t, width] = shape as [number, number, number];
      if (shape.length !== 3 || width % (V * C) !== 0 || width === 0 || t === 0) {
        throw new Error(`${path}: ${xName} has shape (${shape.join(', ')}); expected (N, T, M*${V}*${C}), e.g. (N, 300, 150) for 2 persons`);
      }
      if (header.dtype !== '<f4' && header.dtype !== '<f8') throw new Error(`${path}: ${xName} has dtype ${header.dtype}; expected float32 (<f4) or float64 (<f8) coordinates`);
      if (n !== labels.length) throw new Error(`${path}: ${xName} has ${n} samples but ${yName} has ${labels.length} rows; expected one one-hot row per sample`);
    },
    (row, i) => {
      const [, t, width] = shape as [number, number, number];
      const m = width / (V * C);
      const values = row as Float32Array | Float64Array;
      const bad = values.findIndex((value: number) => !Number.isFinite(value) || Math.abs(value) > FLOAT32_MAX);
      if (bad >= 0) {
        const [ti, mi, vi, ci] = [Math.floor(bad / width), Math.floor(bad / (V * C)) % m, Math.floor(bad / C) % V, bad % C];
        throw new Error(`${path}: ${xName}[${i}] holds ${values[bad]} at (t=${ti}, m=${mi}, v=${vi}, c=${ci}); coordinates must be finite numbers within float32's range`);
      }
      samples.push(sampleOf(`${xName}[${i}]`, labels[i]!, fromCtrgcnLayout(values, [t, m, V, C]), [m, t, V, C]));
    },
  );
  return { samples, shape, classes: y.shape[1]! };
}

/** The class of each one-hot row; a row with anything but one 1 and zeros is an error naming it. */
function oneHotLabels(y: NpyArray, source: string, xName: string): number[] {
  const [n, classes] = y.shape as [number, number];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    let label = -1;
    for (let k = 0; k < classes; k++) {
      const value = Number(y.data[i * classes + k]!);
      if (value === 0) continue;
      if (value !== 1) throw new Error(`${source}: row ${i} (${xName}[${i}]) holds ${value} at column ${k}; expected one-hot rows (one 1, zeros elsewhere)`);
      if (label >= 0) throw new Error(`${source}: row ${i} (${xName}[${i}]) has a 1 at columns ${label} and ${k}; expected one-hot rows (exactly one 1)`);
      label = k;
    }
    if (label < 0) throw new Error(`${source}: row ${i} (${xName}[${i}]) is all zeros; expected one-hot rows (exactly one 1)`);
    labels.push(label);
  }
  return labels;
}
