// @skelnorm/data/node: the file-system parts (Node only).

export { writeAll, writeFileAtomic, writeFolderAtomic, removeStaleTemporaries } from './atomic-file.js';
export { readSkeletonFile, listSkeletonFiles } from './skeleton-files.js';
export type { ListSkeletonFilesOptions } from './skeleton-files.js';
export { readMissingSkeletonList, readMissingSkeletonLists, findMissingSkeletonLists } from './missing-skeleton-file.js';
export { skeletonFileDataset, ntuDataset, resolveMissingSkeletons, packSkeletonFiles } from './skeleton-file-dataset.js';
export type { PackFilesOptions, NtuDatasetOptions, PackFileOutcome, PackSkeletonFilesOptions } from './skeleton-file-dataset.js';
export { writeSampleCache, openSampleCache, isSampleCacheFile } from './sample-cache.js';
export type { WriteSampleCacheOptions, SampleCache, OpenSampleCacheOptions } from './sample-cache.js';
export { writeStgcnNpy, readNpy, readStgcnNpy, EmptyExportError, type StgcnNpyExport } from './npy-file.js';
export type { WriteStgcnNpyOptions, StgcnNpyResult } from './npy-file.js';
export { writeSyntheticNtu } from './synthetic-files.js';
export type { WriteSyntheticNtuResult } from './synthetic-files.js';
export { readStgcnJointData, isStgcnDataFileName, stgcnLabelPathOf, parseLabelPickle } from './stgcn-joint-data.js';
export { readCtrgcnNpz, fromCtrgcnLayout } from './ctrgcn-npz.js';
export type { PresplitSamples } from './presplit-samples.js';
export { loadRestrictedPickle, PickleTuple, PickleRefusedError } from './restricted-pickle.js';
export type { PickleValue } from './restricted-pickle.js';
export { openZipArchive, crc32 } from './zip-archive.js';
export type { ZipArchive, ZipMember } from './zip-archive.js';
export { decodeNpy } from './npy-array.js';
export type { NpyArray } from './npy-array.js';
