export { Module } from './module.js';
export type {
  ForwardContext,
  ForwardHook,
  LoadStateDictOptions,
  LoadStateDictResult,
  StateDictLayout,
  TorchLayout,
} from './module.js';
export { StateDictError } from './state-dict-error.js';
export { Generator, defaultGenerator, manualSeed } from './generator.js';
export type { GeneratorState } from './generator.js';
export { kaimingUniform, biasUniform, uniform } from './init.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Conv2d, type Conv2dOptions, type Pair } from './layers/conv2d.js';
export { ReLU, Identity } from './layers/activation.js';
export { MaxPool2d, type MaxPool2dOptions } from './layers/max-pool2d.js';
export { Flatten, type FlattenOptions } from './layers/flatten.js';
export { Dropout, type DropoutOptions } from './layers/dropout.js';
export { Sequential } from './layers/sequential.js';
export { crossEntropy, type CrossEntropyOptions } from './loss.js';
export {
  conv2dWeightLayout,
  linearWeightLayout,
  skeletonBatchFromTorch,
  skeletonBatchToTorch,
  featureMapFromTorch,
  featureMapToTorch,
} from './torch-layout.js';
export {
  readSafetensors,
  writeSafetensors,
  safetensorsToTensors,
  checkStateValues,
  invalidValueIndex,
  tensorsToSafetensors,
  type RawTensor,
  type SafetensorsDtype,
  type SafetensorsFile,
  type WriteEntry,
} from './safetensors.js';
export {
  AdamUpdate,
  BatchNormTrain,
  BatchNormTrainGrad,
  type AdamUpdateAttrs,
  type BatchNormTrainAttrs,
  type BatchNormTrainGradAttrs,
} from './fused-kernels.js';
