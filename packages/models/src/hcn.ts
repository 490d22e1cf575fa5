import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Flatten, Generator, Linear, MaxPool2d, Module, ReLU, Sequential, type ForwardContext } from '@skelnorm/nn';
import { foldPersons, layoutByName, layoutNames, maxMergePersons, type LayoutName } from '@skelnorm/data';
import { ChannelDropout } from './channel-dropout.js';
import { withDefaults, type ModelInfo, type ResolvedOptions } from './option-schema.js';
import { assertSkeletonBatch } from './skeleton-batch.js';

export interface HcnOptions {
  /** Output classes. Default 60. */
  numClasses?: number;
  /** Frames T (the window); also the width of conv2, as in the reference. Default 64 (>= 16). */
  frames?: number;
  /** Base width `out_channel`: conv1 has it, conv3 half, conv4 all of it, conv5 2x, conv6 4x. Default 64. */
  channels?: number;
  /** Joints V; they become conv3's input channels. Default: the layout's (25 for ntu25). */
  joints?: number;
  /** Person slots M. Default 2. */
  persons?: number;
  /** Dropout2d probability (conv4, conv5, conv6, fc7). Default 0.5. */
  dropout?: number;
  /** Seed for weight init and dropout. Default 0. */
  seed?: number;
  /** Joint layout of the input (`@skelnorm/data` layouts): V (unless `joints` says it) and C. Default `ntu25`. */
  layout?: LayoutName;
}

const DEFAULTS = { numClasses: 60, frames: 64, channels: 64, joints: 25, persons: 2, dropout: 0.5, seed: 0, layout: 'ntu25' } as const satisfies Required<HcnOptions>;

export type ResolvedHcnOptions = ResolvedOptions<HcnOptions>;

export const hcnInfo: ModelInfo = {
  name: 'hcn',
  description: 'HCN: point-level convs, joints transposed into channels, co-occurrence convs, position and motion streams, max over persons',
  reference: 'Li, Zhong, Xie, Pu, IJCAI 2018, arXiv:1804.06055; github.com/huguyuehuhu/HCN-pytorch model/HCN.py',
  options: [
    { name: 'numClasses', type: 'integer', default: DEFAULTS.numClasses, min: 1, description: 'output classes' },
    { name: 'frames', type: 'integer', default: DEFAULTS.frames, min: 16, description: 'frames T (window size); also conv2 width' },
    { name: 'channels', type: 'integer', default: DEFAULTS.channels, min: 2, description: 'base width (out_channel)' },
    { name: 'joints', type: 'integer', default: DEFAULTS.joints, min: 1, description: 'joints V' },
    { name: 'persons', type: 'integer', default: DEFAULTS.persons, min: 1, description: 'person slots M' },
    { name: 'dropout', type: 'number', default: DEFAULTS.dropout, min: 0, max: 0.99, description: 'Dropout2d probability' },
    { name: 'seed', type: 'integer', default: DEFAULTS.seed, min: 0, description: 'seed for weight init and dropout' },
    { name: 'layout', type: 'enum', default: DEFAULTS.layout, choices: layoutNames, description: `joint layout of the input: ${layoutNames.join(', ')}; sets V (unless joints is given) and C` },
  ],
};

/**
 * Hierarchical Co-occurrence Network (Li et al. 2018) as the official `model/HCN.py` `HCN(in_channel=3,
 * num_joint, num_person, out_channel, window_size, num_class)` (`joints`, `persons`, `channels`,
 * `frames`, `numClasses`): it computes what the reference computes, gradients included
 * (`../shared/golden/hcn_official.safetensors` replays it), and loads its checkpoints as they are.
 *
 * Two streams per person, position x and motion (frame differences x[t+1] - x[t], resized back to T
 * frames bilinearly, `align_corners=False`), each: conv1 (1x1, C) + ReLU, conv2 ((3, 1), T
 * channels) — point level — then the joints become channels ([T, V, T'] -> [T, T', V]: PyTorch's
 * `permute(0, 3, 2, 1)`), conv3 (3x3, C/2) + maxpool, conv4 (3x3, C) + Dropout2d + maxpool —
 * co-occurrence level. Concatenated (2C), conv5 (3x3, 2C) + ReLU + Dropout2d + maxpool, conv6 (3x3,
 * 4C) + ReLU + Dropout2d + maxpool -> [T/16, T/16, 4C]; element-wise max over persons; flattened in
 * PyTorch's (C, H, W) order; fc7 (-> 512) + ReLU + Dropout2d; fc8 (-> K).
 * Input [N, M, T, V, 3] -> logits [N, K]. State-dict names as the reference (`conv1.0.*`,
 * `conv2.*`, `conv3.0.*`, `conv1m.0.*`, ..., `fc7.0.*`, `fc8.*`).
 *
 * Persons are folded into the batch for the streams (one call instead of the reference's loop:
 * identical outputs, since no layer here mixes samples).
 *
 * Parameters at the defaults (T = 64, C = 64, V = 25, K = 60): per stream conv1 3*64+64 = 256,
 * conv2 64*64*3+64 = 12,352, conv3 25*32*9+32 = 7,232, conv4 32*64*9+64 = 18,496 (x 2 streams =
 * 76,672); conv5 128*128*9+128 = 147,584; conv6 128*256*9+256 = 295,168; fc7 4096*512+512 =
 * 2,097,664; fc8 512*60+60 = 30,780: **2,647,868**.
 */
export class Hcn extends Module {
  readonly modelName = 'hcn';
  readonly config: Readonly<ResolvedHcnOptions>;
  readonly generator: Generator;
  readonly conv1: Sequential;
  readonly conv2: Conv2d;
  readonly conv3: Sequential;
  readonly conv4: Sequential;
  readonly conv1m: Sequential;
  readonly conv2m: Conv2d;
  readonly conv3m: Sequential;
  readonly conv4m: Sequential;
  readonly conv5: Sequential;
  readonly conv6: Sequential;
  readonly fc7: Sequential;
  readonly fc8: Linear;
  private readonly flatten = new Flatten({ order: 'channels-first' });

  constructor(options: HcnOptions = {}) {
    super();
    const layout = layoutByName(options.layout ?? DEFAULTS.layout);
    const config: ResolvedHcnOptions = withDefaults<ResolvedHcnOptions>({ ...DEFAULTS, joints: layout.joints }, options);
    this.config = Object.freeze(config);
    if (options.layout !== undefined && config.joints !== layout.joints) throw new Error(`hcn: joints ${config.joints} do not match layout '${layout.name}' (${layout.joints} joints); leave out joints or pick the layout`);
    if (config.frames < 16) throw new Error(`hcn: frames must be >= 16 (four 2x2 poolings), got ${config.frames}`);
    const generator = (this.generator = new Generator(config.seed));
    const { channels: c, frames: t, joints: v, dropout: p } = config;
    const conv = (inChannels: number, outChannels: number, kernelSize: number | [number, number], padding: number | [number, number]) =>
      new Conv2d({ inChannels, outChannels, kernelSize, padding, generator });
    const pool = () => new MaxPool2d({ kernelSize: 2 });
    const drop = () => new ChannelDropout(p, generator);
    const half = Math.floor(c / 2);
    // Registration order = the reference's __init__ order, so stateDict() lists keys as PyTorch does.
    this.conv1 = this.registerModule('conv1', new Sequential(conv(layout.channels, c, 1, 0), new ReLU()));
    this.conv2 = this.registerModule('conv2', conv(c, t, [3, 1], [1, 0]));
    this.conv3 = this.registerModule('conv3', new Sequential(conv(v, half, 3, 1), pool()));
    this.conv4 = this.registerModule('conv4', new Sequential(conv(half, c, 3, 1), drop(), pool()));
    this.conv1m = this.registerModule('conv1m', new Sequential(conv(layout.channels, c, 1, 0), new ReLU()));
    this.conv2m = this.registerModule('conv2m', conv(c, t, [3, 1], [1, 0]));
    this.conv3m = this.registerModule('conv3m', new Sequential(conv(v, half, 3, 1), pool()));
    this.conv4m = this.registerModule('conv4m', new Sequential(conv(half, c, 3, 1), drop(), pool()));
    this.conv5 = this.registerModule('conv5', new Sequential(conv(2 * c, 2 * c, 3, 1), new ReLU(), drop(), pool()));
    this.conv6 = this.registerModule('conv6', new Sequential(conv(2 * c, 4 * c, 3, 1), new ReLU(), drop(), pool()));
    const pooled = (n: number) => Math.floor(Math.floor(Math.floor(Math.floor(n / 2) / 2) / 2) / 2);
    const features = 4 * c * pooled(t) * pooled(t);
    this.fc7 = this.registerModule('fc7', new Sequential(new Linear({ inFeatures: features, outFeatures: 512, generator }), new ReLU(), drop()));
    this.fc8 = this.registerModule('fc8', new Linear({ inFeatures: 512, outFeatures: config.numClasses, generator }));
  }

  /** [N, M, T, V, 3] -> logits [N, numClasses]. */
  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const { frames, joints, persons } = this.config;
    assertSkeletonBatch('hcn', x, { frames, joints, persons, channels: layoutByName(this.config.layout).channels });
    const position = foldPersons(x);
    const motion = frameDifferences(position);
    // Point level, then joints into channels: [B, T, V, T'] -> [B, T, T', V].
    const coOccurrence = (input: tf.Tensor, c1: Module, c2: Module, c3: Module, c4: Module) =>
      c4.call(c3.call(tf.transpose(c2.call(c1.call(input, context), context), [0, 1, 3, 2]), context), context);
    const p = coOccurrence(position, this.conv1, this.conv2, this.conv3, this.conv4);
    const m = coOccurrence(motion, this.conv1m, this.conv2m, this.conv3m, this.conv4m);
    const y = this.conv6.call(this.conv5.call(tf.concat([p, m], 3), context), context);
    const merged = maxMergePersons(y, persons);
    return this.fc8.call(this.fc7.call(this.flatten.call(merged), context), context);
  }
}

/**
 * HCN's motion input: x[t+1] - x[t] over [B, T, V, C], resized from T-1 back to T frames as
 * PyTorch's `F.upsample(mode='bilinear', align_corners=False)` (half-pixel centres; the joint axis
 * keeps its size, so only time is interpolated).
 */
export function frameDifferences(x: tf.Tensor): tf.Tensor {
  const [b = 0, t = 0, v = 0, c = 0] = x.shape;
  const later = tf.slice(x, [0, 1, 0, 0], [b, t - 1, v, c]);
  const earlier = tf.slice(x, [0, 0, 0, 0], [b, t - 1, v, c]);
  return tf.image.resizeBilinear(tf.sub(later, earlier) as tf.Tensor4D, [t, v], false, true);
}
