import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Module, ReLU, Sequential, type ForwardContext, type Generator } from '@skelnorm/nn';
import { initConvFanOut, initNormAffine } from './ctrgcn-init.js';
import { ParallelBranches } from './ctrgcn-parallel.js';
import { makeNorm, type ModelNorm, type NormSettings } from './model-norm.js';

/**
 * Frames 0, s, 2s, ... of [N, T, V, C]: a stride-s output from a stride-1 one (same padding),
 * as ceil(T / s) frames. Pad, reshape and slice only, so every backend has its gradient.
 */
export function everyNthFrame(x: tf.Tensor, s: number): tf.Tensor {
  if (s === 1) return x;
  const [n = 0, t = 0, v = 0, c = 0] = x.shape;
  const frames = Math.ceil(t / s);
  const padded = frames * s === t ? x : tf.pad(x, [[0, 0], [0, frames * s - t], [0, 0], [0, 0]]);
  return tf.reshape(tf.slice(tf.reshape(padded, [n, frames, s, v * c]), [0, 0, 0, 0], [n, frames, 1, v * c]), [n, frames, v, c]);
}

/**
 * A temporal conv with dilation d > 1 (kernel [k, 1], zero padding d(k-1)/2, stride 1) through a
 * dilation-1 `conv` (kernel [k, 1], no padding, stride 1): tfjs has no gradient for dilated convs.
 * Frame t = q*d + p of the padded input goes to row q, column p*V + v (a reshape, no copy), so each
 * phase p is a separate set of columns on which a plain conv taps frames d apart; reshaping back
 * interleaves the phases. Shape: [N, T, V, C_in] -> [N, T, V, C_out].
 */
export function dilatedTemporalConv(x: tf.Tensor, conv: Conv2d, kernel: number, dilation: number): tf.Tensor {
  const [n = 0, t = 0, v = 0, c = 0] = x.shape;
  const d = dilation;
  const pad = (d * (kernel - 1)) / 2;
  const rows = Math.ceil((t + 2 * pad) / d);
  const padded = tf.pad(x, [[0, 0], [pad, rows * d - t - pad], [0, 0], [0, 0]]);
  const y = conv.call(tf.reshape(padded, [n, rows, d * v, c]));
  const out = y.shape[3] ?? 0;
  const frames = tf.reshape(y, [n, (rows - kernel + 1) * d, v, out]);
  return tf.slice(frames, [0, 0, 0, 0], [n, t, v, out]);
}

export interface TemporalConvOptions {
  inChannels: number;
  outChannels: number;
  /** Frames of the kernel (odd). */
  kernel: number;
  /** Temporal stride. */
  stride: number;
  /** Temporal dilation: the kernel taps frames this far apart. */
  dilation: number;
  /** Normalization of `bn`. */
  norm: ModelNorm;
  normSettings: NormSettings;
  /** Source of the initial weights. */
  generator: Generator;
}

/**
 * Conv2d((k, 1), stride (s, 1), dilation (d, 1), padding (d(k-1)/2, 0)) then a norm:
 * `TemporalConv` of the reference, and with d = 1 also its `unit_tcn` (the 1x1 strided residual
 * of CTR-GCN's blocks). Shape: [N, T, V, C_in] -> [N, ceil(T/s), V, C_out]. Names: `conv.*`, `bn.*`.
 * Initialized as the reference's `weights_init` (conv fan-out normal, norm scale ~ N(1, 0.02));
 * `unit_tcn` re-initializes its norm to scale 1 (`initNormAffine`).
 */
export class TemporalConv extends Module {
  readonly conv: Conv2d;
  readonly bn: Module;

  constructor(private readonly o: TemporalConvOptions) {
    super();
    const { inChannels, outChannels, kernel, stride, dilation, generator } = o;
    const pad = (dilation * (kernel - 1)) / 2;
    if (!Number.isInteger(pad)) throw new RangeError(`TemporalConv: kernel must be odd, got ${kernel}`);
    // A dilated conv runs as a plain one over phases (dilatedTemporalConv); its weights are the same.
    this.conv = this.registerModule('conv', new Conv2d(dilation === 1
      ? { inChannels, outChannels, kernelSize: [kernel, 1], stride: [stride, 1], padding: [pad, 0], generator }
      : { inChannels, outChannels, kernelSize: [kernel, 1], generator }));
    this.bn = this.registerModule('bn', makeNorm(o.norm, outChannels, 2, o.normSettings));
    initConvFanOut(this.conv, generator);
    initNormAffine(this.bn, 1, generator, 0.02);
  }

  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const { kernel, stride, dilation } = this.o;
    const y = dilation === 1
      ? this.conv.call(x, context)
      : everyNthFrame(dilatedTemporalConv(x, this.conv, kernel, dilation), stride);
    return this.bn.call(y, context);
  }
}

/**
 * MaxPool2d((3, 1), stride (s, 1), padding (1, 0)) as PyTorch pads it: the padded frames never
 * win (padding with -inf, then a valid pool). Shape: [N, T, V, C] -> [N, ceil(T/s), V, C].
 */
export class TemporalMaxPool extends Module {
  constructor(readonly stride: number) {
    super();
  }

  forward(x: tf.Tensor, _context: ForwardContext): tf.Tensor {
    const padded = tf.pad(x, [[0, 0], [1, 1], [0, 0], [0, 0]], -Infinity) as tf.Tensor4D;
    return tf.maxPool(padded, [3, 1], [this.stride, 1], 'valid');
  }
}

export interface MultiScaleTemporalConvOptions {
  inChannels: number;
  /** Split evenly over the dilations + 2 branches. */
  outChannels: number;
  /** Kernel of the dilated branches. CTR-GCN: 5. */
  kernel: number;
  /** Temporal stride of every branch. */
  stride: number;
  /** One branch per dilation. CTR-GCN: [1, 2]. */
  dilations: readonly number[];
  /** Normalization after every conv and after the max pool. */
  norm: ModelNorm;
  normSettings: NormSettings;
  /** Source of the initial weights. */
  generator: Generator;
}

/**
 * Multi-scale temporal convolution (`MultiScale_TemporalConv` of the reference, as CTR-GCN's
 * blocks use it: `residual=False`). B = dilations + 2 branches of C_out / B channels each,
 * concatenated along channels in this order:
 * - per dilation d: 1x1 conv, norm, ReLU, `TemporalConv(kernel, stride, d)` (`branches.{i}.{0,1,3}`);
 * - max: 1x1 conv, norm, ReLU, `TemporalMaxPool(stride)`, norm (`branches.{B-2}.{0,1,4}`);
 * - 1x1: conv (1x1, stride (s, 1)), norm (`branches.{B-1}.{0,1}`).
 * Shape: [N, T, V, C_in] -> [N, ceil(T/s), V, C_out].
 */
export class MultiScaleTemporalConv extends Module {
  readonly branches: ParallelBranches;

  constructor(o: MultiScaleTemporalConvOptions) {
    super();
    const { inChannels, outChannels, stride, generator } = o;
    const count = o.dilations.length + 2;
    if (outChannels % count !== 0) {
      throw new RangeError(`MultiScaleTemporalConv: ${outChannels} output channels are not a multiple of the ${count} branches`);
    }
    const width = outChannels / count;
    const pointwise = (s = 1) => {
      const conv = new Conv2d({ inChannels, outChannels: width, kernelSize: 1, stride: [s, 1], generator });
      initConvFanOut(conv, generator);
      return conv;
    };
    const norm = () => {
      const layer = makeNorm(o.norm, width, 2, o.normSettings);
      initNormAffine(layer, 1, generator, 0.02);
      return layer;
    };
    const temporal = o.dilations.map((dilation) => new Sequential(
      pointwise(), norm(), new ReLU(),
      new TemporalConv({ inChannels: width, outChannels: width, kernel: o.kernel, stride, dilation, norm: o.norm, normSettings: o.normSettings, generator }),
    ));
    const max = new Sequential(pointwise(), norm(), new ReLU(), new TemporalMaxPool(stride), norm());
    const point = new Sequential(pointwise(stride), norm());
    this.branches = this.registerModule('branches', new ParallelBranches('concat', [...temporal, max, point]));
  }

  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    return this.branches.call(x, context);
  }
}
