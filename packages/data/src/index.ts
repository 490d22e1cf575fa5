// @skelnorm/data: NTU RGB+D skeletons in typed arrays and tensors. Platform-free: file access is in
// '@skelnorm/data/node', the rxjs adapter in '@skelnorm/data/rx'.

export { NTU_JOINT_COUNT, NTU_COORDINATES, ntuJointNames, ntuJointParents, ntuBones, NtuJoint } from './kinect-joints.js';
export { COCO_KEYPOINT_COUNT, cocoKeypointNames, cocoKeypointParents, CocoKeypoint } from './coco-keypoints.js';
export { layouts, layoutNames, layoutByName, assertSampleFitsLayout, NTU_IMAGE_SIZE } from './layouts.js';
export type { Layout, LayoutName } from './layouts.js';
export { projectNtuToCoco, KINECT_COLOUR_FOCAL, KEYPOINT_SCORE_THRESHOLD } from './ntu-to-coco.js';
export { packSkeleton2d } from './pack-skeleton-2d.js';
export type { PackSkeleton2dOptions } from './pack-skeleton-2d.js';
export { packSkeletonAs, skeletonFieldsFor } from './pack-by-layout.js';
export type { PackAnyLayoutOptions } from './pack-by-layout.js';
export type { BodyTrack, SkeletonFile } from './skeleton-file.js';
export { SkeletonParseError } from './skeleton-parse-error.js';
export { parseSkeleton, parseSkeletonChunks } from './parse-skeleton.js';
export type { ParseSkeletonOptions } from './parse-skeleton.js';
export { formatSkeleton, formatKinectNumber } from './format-skeleton.js';
export type { FormatSkeletonOptions } from './format-skeleton.js';

export { isSampleName, parseSampleName, sampleNameOf, formatSampleName, actionLabel } from './sample-name.js';
export type { SampleNameParts } from './sample-name.js';
export {
  xsubTrainSubjects,
  ntu120XsubTrainSubjects,
  xviewTrainCameras,
  xsetTrainSetups,
  ntuBenchmarks,
  inBenchmark,
  splitOf,
  selectSplit,
} from './splits.js';
export type { NtuBenchmark, SplitPart, SelectSplitOptions } from './splits.js';
export { parseMissingSkeletonList, missingSkeletonListFileNames } from './missing-skeletons.js';

export { selectBodies, bodySelectionPolicies, bodySlots, slotEnergy } from './body-selection.js';
export type { BodySelectionPolicy, SelectedBodies, SelectedPerson, SelectBodiesOptions } from './body-selection.js';
export { denoiseBodies, denoiseThresholds } from './denoise-bodies.js';
export { packPersons, personMaskOf, sampleShape, withSample } from './skeleton-sample.js';
export type { SkeletonSample } from './skeleton-sample.js';
export { packSkeleton } from './pack-skeleton.js';
export type { PackSkeletonOptions, PackTransformOptions } from './pack-skeleton.js';
export { preprocessSample } from './preprocess-sample.js';
export type { PreprocessSampleOptions } from './preprocess-sample.js';
export { synthesizeLiveJoints, synthesizeLiveSample, liveJointRecipes, LIVE_SPINE_MID_FRACTION } from './live-joints.js';
export type { LiveJointRecipe } from './live-joints.js';
export { trimEmptyFrames, fitFrames, cropFrames, resampleFrames, randomCropResize } from './temporal-transforms.js';
export type { ResampleFramesOptions } from './temporal-transforms.js';
export { centreOnJoint, alignView, rotateSample, rotationFromAngles, randomRotation, scaleSample, randomScale } from './spatial-transforms.js';
export type { CentreOnJointOptions, AlignViewOptions, Matrix3 } from './spatial-transforms.js';
export { skeletonStreams, skeletonStream, jointToBone, toMotion, streamOptionsOf } from './streams.js';
export type { SkeletonStream, StreamOptions } from './streams.js';
export { UNIFORM_TEST_SEED, uniformTrainIndices, uniformTestIndices, uniformSample, uniformTestClips } from './uniform-sampling.js';

export { foldPersons, unfoldPersons, maxMergePersons, personMask } from './persons.js';
export type { MaxMergePersonsOptions } from './persons.js';
export { Dataset } from './dataset.js';
export type { ElementInfo, ShuffleOptions, BatchOptions } from './dataset.js';
export { collateSkeletons } from './skeleton-batch.js';
export type { SkeletonBatch } from './skeleton-batch.js';

export { npyHeader, parseNpyHeader, toStgcnLayout, fromStgcnLayout } from './npy.js';
export type { NpyDtype, NpyHeaderInfo } from './npy.js';
export {
  SAMPLE_CACHE_VERSION,
  SAMPLE_CACHE_HEADER_BYTES,
  encodeSampleCacheHeader,
  decodeSampleCacheHeader,
  decodeSampleCacheIndex,
  hasSampleCacheMagic,
} from './sample-cache-format.js';
export type { SampleCacheHeader, SampleCacheIndex } from './sample-cache-format.js';

export { syntheticActions, syntheticClasses } from './synthetic/actions.js';
export type { SyntheticAction, SyntheticClass } from './synthetic/actions.js';
export { synthesizeNtu, generateSyntheticNtu } from './synthetic/synthesize.js';
export type { SynthesizeNtuOptions, SyntheticSkeleton, SyntheticNtu } from './synthetic/synthesize.js';
export { builtinSyntheticNtu, syntheticNtuSplits } from './synthetic/builtin.js';
export type { BuiltinSyntheticNtuOptions, BuiltinSyntheticNtu } from './synthetic/builtin.js';
export { checkSampleLabels, NTU_MAX_CLASSES } from './sample-labels.js';
export { ntuActionClassNames, actionCode, describeAction } from './ntu-action-classes.js';
