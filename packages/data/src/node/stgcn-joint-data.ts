import { open, readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fromStgcnLayout, npyDataOffset, parseNpyHeader } from '../npy.js';
import { NTU_MAX_CLASSES, checkSampleLabels } from '../sample-labels.js';
import { isSampleName } from '../sample-name.js';
import type { SkeletonSample } from '../skeleton-sample.js';
import { sampleOf, type PresplitSamples } from './presplit-samples.js';
import { PickleTuple, describePickleValue, loadRestrictedPickle, type PickleValue } from './restricted-pickle.js';

/**
 * ST-GCN's preprocessed NTU data, as `tools/ntu_gendata.py` (st-gcn) and its descendants (2s-AGCN,
 * MS-G3D: `*_data_joint.npy`) write it: per split a float32 `<split>_data.npy` or
 * `<split>_data_joint.npy` of shape `(N, 3, T, 25, M)` and a `<split>_label.pkl` holding
 * `(sample_name, label)`, a list of str and a list of int. The same pair with V = 17 holds a 2D pose
 * estimator's COCO keypoints (x, y, score), as PYSKL's 2D NTU data is often exported. `train_*` and `val_*` (or `test_*`) in one
 * folder are the train and test splits.
 */

/** `<split>_data_joint.npy` or `<split>_data.npy`; group 1 is the split's prefix. */
const DATA_FILE = /^(.+?)_data(?:_joint)?\.npy$/;
const TEST_PREFIXES = ['val', 'test'];
/** V of the layouts such files come in: NTU's 25 Kinect joints (3D or 2D), COCO's 17 keypoints (a 2D pose estimator's). */
const JOINT_COUNTS = [25, 17];

/** True for a file name ST-GCN's tools give a split's data (`train_data_joint.npy`, `val_data.npy`). */
export function isStgcnDataFileName(name: string): boolean {
  return DATA_FILE.test(name);
}

/** The label pickle that belongs to a data file: `<split>_label.pkl` beside it. */
export function stgcnLabelPathOf(dataPath: string): string {
  const prefix = DATA_FILE.exec(basename(dataPath))?.[1];
  if (prefix === undefined) throw new Error(`${dataPath}: expected a file named <split>_data_joint.npy or <split>_data.npy (ST-GCN's naming)`);
  return join(dirname(dataPath), `${prefix}_label.pkl`);
}

/**
 * Reads ST-GCN data from a folder (the `train_*` pair for training, the `val_*` or `test_*` pair for
 * testing) or from one `<split>_data_joint.npy` (its `<split>_label.pkl` beside it; the one split is
 * then both the training and the test samples). Checks that each label file belongs to its data
 * (one label per sample, unique names), that the data is `(N, 3, T, 25 or 17, M)` float32 with finite
 * coordinates, that labels are class indices (below 120 for NTU names), and that both splits have
 * the same `(C, T, V, M)`. The label pickle is read by a restricted reader: nothing in it is run.
 *
 * @throws Error naming the file, the sample or field, and what was expected.
 */
export async function readStgcnJointData(path: string): Promise<PresplitSamples> {
  if ((await stat(path)).isFile()) {
    const split = await readStgcnSplit(path);
    const numClasses = labelsChecked([split]);
    return { train: split.samples, test: split.samples, numClasses, sameSamplesForTrainAndTest: true, description: `ST-GCN ${split.description} (one file: the same samples for train and test)` };
  }
  const dataFiles = (await readdir(path)).filter(isStgcnDataFileName).sort();
  const byPrefix = new Map<string, string[]>();
  for (const file of dataFiles) {
    const prefix = DATA_FILE.exec(file)![1]!;
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), file]);
  }
  for (const [prefix, files] of byPrefix) {
    if (files.length > 1) throw new Error(`${path}: both ${files.join(' and ')} for the ${prefix} split; expected one; give the one to use as --data FILE`);
  }
  const testPrefix = TEST_PREFIXES.filter((p) => byPrefix.has(p));
  if (byPrefix.has('train') && testPrefix.length === 1) {
    const train = await readStgcnSplit(join(path, byPrefix.get('train')![0]!));
    const test = await readStgcnSplit(join(path, byPrefix.get(testPrefix[0]!)![0]!));
    if (train.shape.slice(1).join() !== test.shape.slice(1).join()) {
      throw new Error(`${test.dataPath}: (C, T, V, M) = (${test.shape.slice(1).join(', ')}) but ${train.dataPath} has (${train.shape.slice(1).join(', ')}); the two splits must have the same sample shape`);
    }
    const numClasses = labelsChecked([train, test]);
    return { train: train.samples, test: test.samples, numClasses, sameSamplesForTrainAndTest: false, description: `ST-GCN ${train.description}, ${test.description}` };
  }
  if (dataFiles.length === 1) return readStgcnJointData(join(path, dataFiles[0]!));
  throw new Error(
    `${path}: ${dataFiles.length ? `ST-GCN data files ${dataFiles.join(', ')} without` : 'no'} a train_data_joint.npy + val_data_joint.npy pair (or train_ + test_, or *_data.npy); give one file as --data FILE`,
  );
}

interface StgcnSplit {
  readonly samples: SkeletonSample[];
  /** `(N, C, T, V, M)`. */
  readonly shape: number[];
  readonly dataPath: string;
  readonly labelPath: string;
  readonly description: string;
}

async function readStgcnSplit(dataPath: string): Promise<StgcnSplit> {
  const labelPath = stgcnLabelPathOf(dataPath);
  let pickle: Uint8Array;
  try {
    pickle = new Uint8Array(await readFile(labelPath));
  } catch {
    throw new Error(`${dataPath}: its labels are expected in ${labelPath} (a pickle of (sample_name, label), as ntu_gendata.py writes it), which cannot be read`);
  }
  const { names, labels } = parseLabelPickle(loadRestrictedPickle(pickle, labelPath), labelPath);
  const file = await open(dataPath, 'r');
  try {
    const fileSize = (await file.stat()).size;
    const lead = new Uint8Array(12);
    await file.read(lead, 0, 12, 0);
    const headerLength = npyDataOffset(lead);
    const header = new Uint8Array(Math.min(headerLength, fileSize));
    await file.read(header, 0, header.length, 0);
    const info = parseNpyHeader(header, dataPath);
    const shape = info.shape;
    if (info.dtype !== '<f4' || info.fortranOrder || shape.length !== 5 || shape[1] !== 3 || !JOINT_COUNTS.includes(shape[3]!)) {
      throw new Error(
        `${dataPath}: ${info.dtype}${info.fortranOrder ? ' Fortran-order' : ''} (${shape.join(', ')}); expected float32 (<f4, C order) of shape (N, 3, T, V, M), ST-GCN's (N, C, T, V, M), with V = 25 (NTU joints: x, y, z or 2D x, y, confidence) or 17 (COCO keypoints: x, y, score)`,
      );
    }
    const [n, c, t, v, m] = shape as [number, number, number, number, number];
    if (labels.length !== n) throw new Error(`${labelPath}: ${labels.length} labels for the ${n} samples of ${dataPath}; expected one per sample (the two files do not belong together)`);
    const size = c * t * v * m;
    const expected = info.dataOffset + n * size * 4;
    if (fileSize !== expected) {
      throw new Error(`${dataPath}: ${fileSize < expected ? 'truncated: ' : ''}${fileSize} bytes, expected ${expected} for float32 (${shape.join(', ')})`);
    }
    // Sample by sample: the file can be several GB; only the [M, T, V, C] copies stay in memory.
    const chunk = new Float32Array(size);
    const chunkBytes = new Uint8Array(chunk.buffer);
    const samples: SkeletonSample[] = [];
    for (let i = 0; i < n; i++) {
      await file.read(chunkBytes, 0, chunkBytes.length, info.dataOffset + i * chunkBytes.length);
      const bad = chunk.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) {
        const [ci, ti, vi, mi] = [Math.floor(bad / (t * v * m)), Math.floor(bad / (v * m)) % t, Math.floor(bad / m) % v, bad % m];
        throw new Error(`${dataPath}: sample ${i} (${names[i]}) holds ${chunk[bad]} at (c=${ci}, t=${ti}, v=${vi}, m=${mi}); coordinates must be finite`);
      }
      samples.push(sampleOf(names[i]!, labels[i]!, fromStgcnLayout(chunk, [c, t, v, m]), [m, t, v, c]));
    }
    return { samples, shape, dataPath, labelPath, description: `${basename(dataPath)} (${shape.join(', ')}) + ${basename(labelPath)}` };
  } finally {
    await file.close();
  }
}

/**
 * The two lists of an ST-GCN label pickle: `(sample_name, label)`, a list of unique str and a list
 * of int of the same length. A 2-list is taken like the 2-tuple.
 * @throws Error naming `source`, the entry and what was expected.
 */
export function parseLabelPickle(value: PickleValue, source: string): { names: string[]; labels: number[] } {
  const parts = value instanceof PickleTuple ? value.items : Array.isArray(value) ? value : [];
  if (parts.length !== 2 || !Array.isArray(parts[0]) || !Array.isArray(parts[1])) {
    throw new Error(`${source}: holds ${describePickleValue(value)}; expected a tuple (sample_name, label) of two lists, as pickle.dump((sample_name, list(sample_label)), f) writes`);
  }
  const [names, labels] = parts as [PickleValue[], PickleValue[]];
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (typeof name !== 'string') throw new Error(`${source}: sample_name[${i}] is ${describePickleValue(name)}; expected a str`);
    const first = seen.get(name);
    if (first !== undefined) throw new Error(`${source}: sample_name[${i}] ${JSON.stringify(name)} repeats sample_name[${first}]; expected unique names`);
    seen.set(name, i);
  });
  labels.forEach((label, i) => {
    if (typeof label !== 'number') throw new Error(`${source}: label[${i}] (${names[i] ?? 'no name'}) is ${describePickleValue(label)}; expected an int`);
  });
  if (names.length !== labels.length) throw new Error(`${source}: ${names.length} sample names but ${labels.length} labels; expected one label per name`);
  return { names: names as string[], labels: labels as number[] };
}

/**
 * Labels checked per label file (integers >= 0; below 120 when every name is an NTU sample name,
 * with or without `.skeleton`); returns the class count over all splits.
 */
function labelsChecked(splits: readonly StgcnSplit[]): number {
  let classes = 0;
  for (const split of splits) {
    const ntu = split.samples.every((s) => isSampleName(s.name.replace(/\.skeleton$/, '')));
    classes = Math.max(classes, checkSampleLabels(split.samples, split.labelPath, ntu ? { maxClasses: NTU_MAX_CLASSES } : {}));
  }
  return classes;
}
