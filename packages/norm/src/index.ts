// Layers
export {
  BatchNormBase,
  BATCH_NORM_DEFAULTS,
  type BatchNormOptions,
  type BatchNormVariant,
  type RunningStatistics,
} from './batch-norm-base.js';
export { BatchNorm1d, BatchNorm2d } from './batch-norm.js';
export { MaskedBatchNorm1d, MaskedBatchNorm2d } from './masked-batch-norm.js';
export {
  SlotBatchNorm1d,
  SlotBatchNorm2d,
  SLOT_BATCH_NORM_DEFAULTS,
  toSlotBatchNorm,
  convertToSlotBatchNorm,
  type SlotBatchNormOptions,
  type ConvertToSlotOptions,
} from './slot-batch-norm.js';
export { LayerNorm, LAYER_NORM_DEFAULTS, type LayerNormOptions } from './layer-norm.js';
export { GroupNorm, GROUP_NORM_DEFAULTS, type GroupNormOptions } from './group-norm.js';
export {
  FrozenBatchNorm1d,
  FrozenBatchNorm2d,
  FROZEN_BATCH_NORM_DEFAULTS,
  freezeBatchNorm,
  type FrozenBatchNormOptions,
} from './frozen-batch-norm.js';
export { createNorm, defaultNumGroups, NORM_KINDS, type NormKind, type CreateNormOptions } from './create-norm.js';
export { torchMomentumFromKeras, kerasMomentumFromTorch } from './momentum.js';
export { multiplicityOf, type MultiplicityContext, type SampleMultiplicity } from './sample-multiplicity.js';

// Pure maths (what the layers compute), for custom layers
export {
  channelMoments,
  maskedChannelMoments,
  weightedChannelMoments,
  normalizeChannels,
  runningAverage,
  unbiasedVariance,
  type ChannelMoments,
} from './functional/batch-norm.js';
export { batchNormTrain, type BatchNormTrainResult } from './functional/batch-norm-train.js';
export { groupNorm } from './functional/group-norm.js';
export { layerNorm } from './functional/layer-norm.js';
export { frozenBatchNorm } from './functional/frozen-batch-norm.js';

// Statistics tools
export { recalibrate, type RecalibrateOptions, type RecalibrationResult } from './recalibrate.js';
export {
  diagnose,
  DIAGNOSE_DEFAULTS,
  type BatchNormVerdict,
  type CallSiteDiagnosis,
  type DiagnoseOptions,
  type DiagnosisReport,
  type LayerDiagnosis,
  type SlotDiagnosis,
} from './diagnose.js';
export {
  repair,
  applyLayerStatistics,
  gapBreakdown,
  type GapBreakdown,
  type LayerRepair,
  type LayerStatistics,
  type RepairCandidate,
  type RepairOptions,
  type RepairResult,
  type RepairScore,
  type RepairScores,
  type RepairValidator,
} from './repair.js';
export type { NormBatch, BatchForward, StatisticsPassOptions } from './statistics-pass.js';
export { normalizationError, summarizeChannelError, type ChannelErrorSummary, type StatisticsShift } from './statistics-shift.js';
