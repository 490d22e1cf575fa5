// Reading PyTorch's golden files and mapping them onto our channels-last layers. Layout
// conversion (NCHW reference <-> NHWC layers) happens here, never in the layers.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '@skelnorm/nn';
import { BatchNorm1d, BatchNorm2d, FrozenBatchNorm2d, GroupNorm, LayerNorm } from '../index.js';
import { goldenDir } from '@skelnorm/test-support';

export { goldenDir };

export interface GoldenTensor {
  shape: number[];
  data: number[];
}

export interface GoldenStep {
  mode: 'train' | 'eval';
  input: GoldenTensor;
  output: GoldenTensor;
  gradOutput: GoldenTensor;
  gradInput: GoldenTensor;
  gradWeight?: GoldenTensor;
  gradBias?: GoldenTensor;
  runningMean?: GoldenTensor;
  runningVar?: GoldenTensor;
  numBatchesTracked?: number;
}

export interface GoldenFile {
  op: string;
  name: string;
  config: Record<string, unknown>;
  initialState: Record<string, GoldenTensor | number>;
  steps: GoldenStep[];
  note?: string;
}

/** The golden folder: `SKELNORM_GOLDEN_DIR`, else ../shared/golden next to the repository root. */

/** Every `*.json` of the folder (the `seed_model_*.safetensors` files are replayed by @skelnorm/models). */
export function goldenJsonFiles(dir = goldenDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function readGolden(file: string, dir = goldenDir()): GoldenFile {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as GoldenFile;
}

export const fromGolden = (t: GoldenTensor): tf.Tensor => tf.tensor(t.data, t.shape, 'float32');

/** One way to run a golden file: a layer and the layout conversions between PyTorch and it. */
export interface GoldenCase {
  label: string;
  layer: Module & { weight?: tf.Variable | undefined; bias?: tf.Variable | undefined };
  /** PyTorch layout -> layer layout for input, output and their gradients. */
  activation: (t: tf.Tensor) => tf.Tensor;
  /** PyTorch layout -> layer layout for weight, bias and their gradients. */
  parameter: (t: tf.Tensor) => tf.Tensor;
}

const same = (t: tf.Tensor) => tf.clone(t);
/** (N, C, ...) -> [N, ..., C]; rank 2 is already channels-last. */
const channelsLast = (t: tf.Tensor) => (t.rank <= 2 ? tf.clone(t) : tf.transpose(t, [0, ...Array.from({ length: t.rank - 2 }, (_, i) => i + 2), 1]));

const num = (config: Record<string, unknown>, key: string): number => {
  const v = config[key];
  if (typeof v !== 'number') throw new Error(`config.${key}: expected a number, got ${JSON.stringify(v)}`);
  return v;
};
const opt = <T>(config: Record<string, unknown>, key: string): T | undefined => config[key] as T | undefined;

/** Known ops and how to build their cases; a file with any other op fails. */
export const GOLDEN_OPS: Record<string, (file: GoldenFile) => GoldenCase[]> = {
  batchnorm1d: ({ config }) => [{ label: 'BatchNorm1d', layer: new BatchNorm1d(batchNormOptions(config)), activation: channelsLast, parameter: same }],
  batchnorm2d: ({ config }) => [{ label: 'BatchNorm2d', layer: new BatchNorm2d(batchNormOptions(config)), activation: channelsLast, parameter: same }],
  frozenbatchnorm2d: ({ config }) => [
    {
      label: 'FrozenBatchNorm2d',
      layer: new FrozenBatchNorm2d({ numFeatures: num(config, 'numFeatures'), eps: opt<number>(config, 'eps') ?? 1e-5 }),
      activation: channelsLast,
      parameter: same,
    },
  ],
  groupnorm: ({ config }) => [
    {
      label: 'GroupNorm',
      layer: new GroupNorm({
        numGroups: num(config, 'numGroups'),
        numChannels: num(config, 'numChannels'),
        eps: opt<number>(config, 'eps') ?? 1e-5,
        affine: opt<boolean>(config, 'affine') ?? true,
      }),
      activation: channelsLast,
      parameter: same,
    },
  ],
  layernorm: ({ config, steps }) => {
    const normalizedShape = config['normalizedShape'] as number[];
    const options = { eps: opt<number>(config, 'eps') ?? 1e-5, elementwiseAffine: opt<boolean>(config, 'elementwiseAffine') ?? true };
    // LayerNorm normalizes whatever trails, so PyTorch's layout runs as it is.
    const cases: GoldenCase[] = [{ label: 'LayerNorm', layer: new LayerNorm({ normalizedShape, ...options }), activation: same, parameter: same }];
    // When it spans (C, H, W) of an NCHW input, the NHWC equivalent is LayerNorm([H, W, C]) with
    // weights transposed the same way: check that form too.
    if (normalizedShape.length === 3 && steps[0]?.input.shape.length === 4) {
      const [c, h, w] = normalizedShape as [number, number, number];
      cases.push({
        label: 'LayerNorm channels-last',
        layer: new LayerNorm({ normalizedShape: [h, w, c], ...options }),
        activation: channelsLast,
        parameter: (t) => tf.transpose(t, [1, 2, 0]),
      });
    }
    return cases;
  },
};

function batchNormOptions(config: Record<string, unknown>) {
  return {
    numFeatures: num(config, 'numFeatures'),
    eps: opt<number>(config, 'eps') ?? 1e-5,
    momentum: config['momentum'] === undefined ? 0.1 : (config['momentum'] as number | null),
    affine: opt<boolean>(config, 'affine') ?? true,
    trackRunningStats: opt<boolean>(config, 'trackRunningStats') ?? true,
  };
}

/** The golden initial state as tensors in the layer's layout (caller disposes). */
export function initialState(file: GoldenFile, c: GoldenCase): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, value] of Object.entries(file.initialState)) {
    out[name] = tf.tidy(() =>
      typeof value === 'number'
        ? tf.scalar(value, 'int32')
        : name === 'weight' || name === 'bias'
          ? c.parameter(fromGolden(value))
          : fromGolden(value),
    );
  }
  return out;
}
