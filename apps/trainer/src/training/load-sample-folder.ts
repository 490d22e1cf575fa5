import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { actionLabel, checkSampleLabels, describeAction, sampleNameOf, type LayoutName, type PackTransformOptions, type SkeletonSample } from '@skelnorm/data';
import {
  findMissingSkeletonLists, isSampleCacheFile, isStgcnDataFileName, listSkeletonFiles, openSampleCache, packSkeletonFiles, readCtrgcnNpz, readMissingSkeletonLists,
  readStgcnJointData, readStgcnNpy, type PresplitSamples,
} from '@skelnorm/data/node';
import { UsageError, type CommandIO } from '../command.js';

export interface SampleFolder {
  readonly samples: SkeletonSample[];
  readonly numClasses: number;
  readonly description: string;
  readonly classNames?: readonly string[];
  /** The train/test split that came with the files (ST-GCN, CTR-GCN data); absent: split by sample names. */
  readonly split?: { readonly train: SkeletonSample[]; readonly test: SkeletonSample[]; readonly sameSamples: boolean };
}

/** File names a sample cache may have inside a `--data` folder. */
const CACHE_SUFFIXES = ['.skcache', '.cache', '.bin'];

/**
 * Loads `--data`: a sample cache file (or a folder holding one), a `skelnorm pack` export
 * (`data.npy` + `samples.json`, ST-GCN layout), ST-GCN's own data (`<split>_data_joint.npy` +
 * `<split>_label.pkl`, a folder with the train/val pair or one data file), CTR-GCN's `.npz` (a file,
 * or the one in a folder), or a folder of `.skeleton` files (read, packed to T frames; the official
 * missing-skeleton list is honoured when one is found beside them). ST-GCN and CTR-GCN data bring
 * their own train/test split. `.skeleton` files are packed for `layout`; the other formats hold
 * samples already packed, whose V and C the caller checks against the layout.
 */
export async function loadSampleFolder(path: string, frames: number, io?: CommandIO, transform: PackTransformOptions = {}, layout: LayoutName = 'ntu25'): Promise<SampleFolder> {
  // Samples packed elsewhere cannot be preprocessed again: --coords, and ntu25-live (whose missing
  // joints are synthesised before centring), need .skeleton files or the synthetic set.
  const repack = (what: string): never => {
    const why = layout === 'ntu25-live'
      ? '--layout ntu25-live synthesises the joints a pose estimator lacks before centring, from .skeleton files or the synthetic set'
      : '--coords applies to .skeleton files and the synthetic set';
    throw new UsageError(`--data ${path}: ${what} holds samples already packed with their own preprocessing; ${why}`);
  };
  const customTransform = Object.keys(transform).length > 0 || layout === 'ntu25-live';
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`--data ${path}: no such file or folder`);
  }
  if (info.isFile()) {
    if (path.endsWith('.npz')) return customTransform ? repack('CTR-GCN data') : loadPresplit(path, readCtrgcnNpz);
    if (isStgcnDataFileName(basename(path))) return customTransform ? repack('ST-GCN data') : loadPresplit(path, readStgcnJointData);
    if (path.endsWith('.npy')) {
      throw new UsageError(`--data ${path}: an .npy file is read as ST-GCN data named <split>_data_joint.npy (or <split>_data.npy) with <split>_label.pkl beside it; a skelnorm pack export is given as its folder (data.npy + samples.json)`);
    }
    return customTransform ? repack('a sample cache') : loadCache(path);
  }
  const entries = await readdir(path);
  if (entries.includes('data.npy') && entries.includes('samples.json')) return customTransform ? repack('a pack export') : loadNpyExport(path);
  if (entries.some(isStgcnDataFileName)) return customTransform ? repack('ST-GCN data') : loadPresplit(path, readStgcnJointData);
  const archives = entries.filter((e) => e.endsWith('.npz')).sort();
  if (archives.length > 1) throw new UsageError(`--data ${path}: ${archives.length} .npz files (${archives.join(', ')}); give the one to use as --data FILE`);
  if (archives.length === 1) return customTransform ? repack('CTR-GCN data') : loadPresplit(join(path, archives[0]!), readCtrgcnNpz);
  const files = await listSkeletonFiles([path]);
  if (files.length > 0) return loadSkeletonFiles(path, files, { frames, transform, layout }, io);
  // No .skeleton files: a sample cache, if exactly one file here is one (a `.bin` of anything
  // else, or a `.cache/` folder, is not taken for one).
  const candidates: string[] = [];
  for (const entry of entries.filter((e) => CACHE_SUFFIXES.some((s) => e.endsWith(s)))) {
    if (await isSampleCacheFile(join(path, entry))) candidates.push(join(path, entry));
  }
  if (candidates.length > 1) throw new UsageError(`--data ${path}: ${candidates.length} sample caches (${candidates.map((c) => basename(c)).join(', ')}); give the one to use as --data FILE`);
  if (candidates.length === 1) return customTransform ? repack('a sample cache') : loadCache(candidates[0]!);
  throw new UsageError(
    `--data ${path}: no .skeleton files, no sample cache (a ${CACHE_SUFFIXES.join('/')} file starting with SKNCACHE) and no data.npy + samples.json found, nor ST-GCN's <split>_data_joint.npy + <split>_label.pkl or CTR-GCN's .npz`,
  );
}

async function loadCache(path: string): Promise<SampleFolder> {
  const cache = await openSampleCache(path, { inMemory: true });
  try {
    const samples: SkeletonSample[] = [];
    for (let i = 0; i < cache.size; i++) {
      const s = await cache.get(i);
      // Copy out of the file buffer: samples outlive the cache object.
      samples.push({ ...s, data: s.data.slice(), personMask: s.personMask.slice() });
    }
    return { samples, numClasses: labelsChecked(samples, path), description: `sample cache ${path} (${samples.length} samples, [M, T, V, C] = [${cache.shape.join(', ')}])` };
  } finally {
    await cache.close();
  }
}

async function loadNpyExport(folder: string): Promise<SampleFolder> {
  let exported;
  try {
    exported = await readStgcnNpy(folder);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { samples, shape, numClasses } = exported;
  return { samples, numClasses, description: `${folder} (data.npy (${shape.join(', ')}) + samples.json)` };
}

/** ST-GCN or CTR-GCN data: read and checked by the data package, its split kept. */
async function loadPresplit(path: string, read: (path: string) => Promise<PresplitSamples>): Promise<SampleFolder> {
  let set;
  try {
    set = await read(path);
  } catch (error) {
    // The readers' messages name the file, the sample or field, and what was expected.
    throw new UsageError((error as Error).message);
  }
  const { train, test, numClasses, description, sameSamplesForTrainAndTest } = set;
  const samples = sameSamplesForTrainAndTest ? train : [...train, ...test];
  // NTU files labelled with their action (ntu_gendata.py's `action_class - 1`): name the classes as the dataset does.
  const ntu = samples.every((s) => sampleNameOf(s.name) !== undefined && actionOf(s.name) === s.label);
  const classNames = ntu ? Array.from({ length: numClasses }, (_, i) => describeAction(i)) : undefined;
  return { samples, numClasses, classNames, description: `${path} (${description})`, split: { train, test, sameSamples: sameSamplesForTrainAndTest } };
}

/** The 0-based action of an NTU-named sample; undefined where a part is out of NTU's range. */
function actionOf(name: string): number | undefined {
  try {
    return actionLabel(name);
  } catch {
    return undefined;
  }
}

async function loadSkeletonFiles(
  folder: string,
  files: string[],
  pack: { readonly frames: number; readonly transform: PackTransformOptions; readonly layout: LayoutName },
  io?: CommandIO,
): Promise<SampleFolder> {
  const lists = await findMissingSkeletonLists([folder]);
  const missing = lists.length > 0 ? await readMissingSkeletonLists(lists) : new Set<string>();
  if (lists.length === 0) io?.out(`data: no missing-skeleton list found near ${folder}; keeping every file`);
  const samples: SkeletonSample[] = [];
  const bad: string[] = [];
  let skipped = 0;
  for await (const outcome of packSkeletonFiles(files, { ...pack, missingSkeletons: missing })) {
    if ('sample' in outcome) samples.push(outcome.sample);
    else if ('error' in outcome) bad.push(outcome.error.message);
    else skipped++;
  }
  for (const message of bad.slice(0, 5)) io?.err(`data: skipped a bad file: ${message}`);
  if (bad.length > 5) io?.err(`data: ... and ${bad.length - 5} more bad files`);
  if (samples.length === 0) throw new UsageError(`--data ${folder}: no usable .skeleton file (${bad.length} bad)`);
  // NTU labels are action numbers - 1: 60 classes for NTU-60, 120 when actions beyond 60 appear.
  const numClasses = labelsChecked(samples, folder) > 60 ? 120 : 60;
  return {
    samples,
    numClasses,
    // The class of a .skeleton file is its NTU action: name the classes as the dataset does.
    classNames: Array.from({ length: numClasses }, (_, i) => describeAction(i)),
    description: `${folder} (${samples.length} .skeleton files${skipped ? `, ${skipped} on the missing-skeleton list` : ''}${bad.length ? `, ${bad.length} bad` : ''})`,
  };
}

/** The class count of checked labels; a bad label is a usage error naming the file and sample. */
function labelsChecked(samples: readonly SkeletonSample[], source: string): number {
  try {
    return checkSampleLabels(samples, source);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
