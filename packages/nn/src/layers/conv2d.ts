import * as tf from '@tensorflow/tfjs-core';
import type { Generator } from '../generator.js';
import { biasUniform, kaimingUniform } from '../init.js';
import { Module, type ForwardContext } from '../module.js';
import { conv2dWeightLayout } from '../torch-layout.js';
import { assertPositiveInt } from './linear.js';

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: Pair;
  /** Default 1. */
  stride?: Pair;
  /** Zero padding on each side (PyTorch's integer padding), or 'same' / 'valid'. Default 0. */
  padding?: Pair | 'same' | 'valid';
  /** Default 1. */
  dilation?: Pair;
  /** Learnable bias. Default true. */
  bias?: boolean;
  /** Source of the initial weights. Default: the default generator. */
  generator?: Generator;
}

const DEFAULTS = { stride: 1, padding: 0, dilation: 1, bias: true } as const;

/**
 * 2-D convolution, as `torch.nn.Conv2d` but channels last.
 * Shape: [N, H, W, inChannels] -> [N, H', W', outChannels], H' = floor((H + 2p - d(k-1) - 1)/s) + 1.
 * Weight stored [kh, kw, in, out] (PyTorch: (out, in, kh, kw)); PyTorch's default init with
 * fanIn = in * kh * kw.
 */
export class Conv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;
  private readonly stride: [number, number];
  private readonly dilation: [number, number];
  private readonly pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

  constructor(readonly options: Conv2dOptions) {
    super();
    const { inChannels, outChannels } = options;
    const [kh, kw] = pair(options.kernelSize);
    assertPositiveInt('Conv2d', { inChannels, outChannels, kh, kw });
    this.stride = pair(options.stride ?? DEFAULTS.stride);
    this.dilation = pair(options.dilation ?? DEFAULTS.dilation);
    this.pad = tfPadding(options.padding ?? DEFAULTS.padding, [kh, kw], this.stride, this.dilation);
    const fanIn = inChannels * kh * kw;
    this.weight = this.registerParameter(
      'weight',
      kaimingUniform([kh, kw, inChannels, outChannels], fanIn, options.generator),
      conv2dWeightLayout,
    );
    this.bias = (options.bias ?? DEFAULTS.bias)
      ? this.registerParameter('bias', biasUniform(outChannels, fanIn, options.generator))
      : undefined;
  }

  forward(x: tf.Tensor, _context?: ForwardContext): tf.Tensor {
    if (x.rank !== 4 || x.shape[3] !== this.options.inChannels) {
      throw new Error(`Conv2d: expected input [N, H, W, ${this.options.inChannels}], got [${x.shape}]`);
    }
    return tf.tidy(() => {
      const y = tf.conv2d(x as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride, this.pad, 'NHWC', this.dilation);
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}

export function pair(value: Pair): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/**
 * PyTorch's symmetric integer padding in tfjs terms. Where it equals TensorFlow's 'same' (stride 1,
 * p = d(k-1)/2) or 'valid' (p = 0), the named mode is used: fast kernels handle those best.
 */
function tfPadding(
  padding: Pair | 'same' | 'valid',
  kernel: [number, number],
  stride: [number, number],
  dilation: [number, number],
): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  if (padding === 'same' || padding === 'valid') return padding;
  const [ph, pw] = pair(padding);
  if (ph === 0 && pw === 0) return 'valid';
  const sameH = stride[0] === 1 && dilation[0] * (kernel[0] - 1) === 2 * ph;
  const sameW = stride[1] === 1 && dilation[1] * (kernel[1] - 1) === 2 * pw;
  if (sameH && sameW) return 'same';
  return [[0, 0], [ph, ph], [pw, pw], [0, 0]];
}
