import * as tf from '@tensorflow/tfjs-core';
import { Generator, Identity, Linear, Module, type ForwardContext } from '@skelnorm/nn';
import { foldPersons, layoutByName, layoutNames, personMask, unfoldPersons, type LayoutName } from '@skelnorm/data';
import { CtrGcnBlock } from './ctrgcn-block.js';
import { ctrgcnSpatialGraph } from './ctrgcn-graph.js';
import { normalValues } from './ctrgcn-init.js';
import { makeDropout } from './dropout-kind.js';
import { MODEL_NORMS, makeNorm, type ModelNorm, type NormSettings } from './model-norm.js';
import { withDefaults, type ModelInfo, type ResolvedOptions } from './option-schema.js';
import { assertSkeletonBatch } from './skeleton-batch.js';

export interface CtrGcnOptions {
  /** Output classes. Default 60. */
  numClasses?: number;
  /** Width of the first blocks (`base_channel`); the later ones have 2x and 4x. A multiple of 4, >= 8. Default 64 (the paper's). */
  baseChannels?: number;
  /** Learnable adjacency `PA` per block (the reference's `adaptive`); false keeps the graph fixed. Default true. */
  adaptive?: boolean;
  /** Normalization inside the blocks. Default `batch`. */
  norm?: ModelNorm;
  /** `data_bn`, the BatchNorm1d over M*V*C input channels (frozen when norm is `frozen`). Default true. */
  dataNorm?: boolean;
  /** BatchNorm momentum, PyTorch convention (null = cumulative). Default 0.1. */
  bnMomentum?: number | null;
  /** Default true. */
  trackRunningStats?: boolean;
  /** Groups of `group` norm (the largest divisor of each width up to this). Default 32. */
  normGroups?: number;
  /** Dropout before `fc` (the reference's `drop_out`). Default 0, as the reference's NTU configs. */
  dropout?: number;
  /** Person slots M (`num_person`; data_bn has M*V*C channels). Default 2. */
  persons?: number;
  /** Input channels C. Default 3. */
  inChannels?: number;
  /** Seed for weight init and dropout. Default 0. */
  seed?: number;
  /** Joint layout of the input (`@skelnorm/data` layouts): V and the spatial graph (its edges). Default `ntu25`. */
  layout?: LayoutName;
}

const DEFAULTS = {
  numClasses: 60,
  baseChannels: 64,
  adaptive: true,
  norm: 'batch',
  dataNorm: true,
  bnMomentum: 0.1,
  trackRunningStats: true,
  normGroups: 32,
  dropout: 0,
  persons: 2,
  inChannels: 3,
  seed: 0,
  layout: 'ntu25',
} as const satisfies Required<CtrGcnOptions>;

export type ResolvedCtrGcnOptions = ResolvedOptions<CtrGcnOptions>;

export const ctrgcnInfo: ModelInfo = {
  name: 'ctrgcn',
  description: 'CTR-GCN: channel-wise topology refinement graph convs and multi-scale temporal convs on the NTU 25-joint graph, persons folded and averaged',
  reference: 'Chen, Zhang, Yuan, Li, Deng, Hu, ICCV 2021, arXiv:2107.12213; github.com/Uason-Chen/CTR-GCN model/ctrgcn.py',
  options: [
    { name: 'numClasses', type: 'integer', default: DEFAULTS.numClasses, min: 1, description: 'output classes' },
    { name: 'baseChannels', type: 'integer', default: DEFAULTS.baseChannels, min: 8, description: 'width of blocks 1-4 (x2 for 5-7, x4 for 8-10); a multiple of 4' },
    { name: 'adaptive', type: 'boolean', default: DEFAULTS.adaptive, description: 'learnable adjacency PA (false: the fixed graph)' },
    { name: 'norm', type: 'enum', default: DEFAULTS.norm, choices: MODEL_NORMS, description: 'normalization inside the blocks' },
    { name: 'dataNorm', type: 'boolean', default: DEFAULTS.dataNorm, description: 'data_bn over the M*V*C input channels' },
    { name: 'bnMomentum', type: 'number', default: DEFAULTS.bnMomentum, min: 0, max: 1, nullable: true, description: 'BatchNorm momentum, PyTorch convention (null = cumulative average)' },
    { name: 'trackRunningStats', type: 'boolean', default: DEFAULTS.trackRunningStats, description: 'BatchNorm keeps running statistics' },
    { name: 'normGroups', type: 'integer', default: DEFAULTS.normGroups, min: 1, description: 'groups of GroupNorm' },
    { name: 'dropout', type: 'number', default: DEFAULTS.dropout, min: 0, max: 0.99, description: 'dropout before fc' },
    { name: 'persons', type: 'integer', default: DEFAULTS.persons, min: 1, description: 'person slots M' },
    { name: 'inChannels', type: 'integer', default: DEFAULTS.inChannels, min: 1, description: 'input channels C' },
    { name: 'seed', type: 'integer', default: DEFAULTS.seed, min: 0, description: 'seed for weight init and dropout' },
    { name: 'layout', type: 'enum', default: DEFAULTS.layout, choices: layoutNames, description: `joint layout of the input: ${layoutNames.join(', ')}; sets V and the spatial graph` },
  ],
};

/** [inChannels as a multiple of base (0 = the input's C), outChannels as a multiple of base, stride, residual] of l1..l10. */
const PLAN: readonly (readonly [number, number, number, boolean])[] = [
  [0, 1, 1, false], [1, 1, 1, true], [1, 1, 1, true], [1, 1, 1, true],
  [1, 2, 2, true], [2, 2, 1, true], [2, 2, 1, true],
  [2, 4, 2, true], [4, 4, 1, true], [4, 4, 1, true],
];

/**
 * CTR-GCN (Chen et al. 2021) on the NTU 25-joint graph, after the reference `model/ctrgcn.py`.
 *
 * Input [N, M, T, 25, C] -> `data_bn` (BatchNorm1d over the M*V*C channels m*V*C + v*C + c,
 * statistics over N and T) -> persons folded into the batch [N*M, T, V, C] -> l1..l10
 * (`CtrGcnBlock`: 64, 64, 64, 64, 128/2, 128, 128, 256/2, 256, 256 channels/stride at base 64) ->
 * mean over T and V -> mean over persons -> dropout -> `fc` -> logits [N, K]. Any T. With
 * `norm: 'masked-batch'` the blocks' statistics skip absent (all-zero) persons.
 *
 * State-dict names are the reference's (`data_bn.*`, `l1.gcn1.PA`, `l1.gcn1.alpha`,
 * `l1.gcn1.convs.0.conv1.weight`, `l1.tcn1.branches.0.0.weight`, `l5.residual.conv.weight`,
 * `fc.weight`, ...), so a checkpoint trained with the official code, saved as safetensors, loads
 * as it is (`loadTorchCheckpoint`). Init as the reference: convs fan-out normal, biases 0, the
 * graph units' output norm at scale 1e-6 and alpha 0, the temporal branches' norms ~ N(1, 0.02),
 * fc ~ N(0, 2/K).
 *
 * Parameters at the defaults (K = 60, batch norm, adaptive): **1,446,672** — e.g. block 64 -> 64:
 * gcn1 19,332 (3 CTRGCs of 4 convs: 64*8+8, 64*8+8, 64*64+64, 8*64+64 = 5,776 each; PA 3*25*25;
 * alpha 1; BN 128), tcn1 6,976 (4 branches of 16 channels: 1x1 conv 64*16+16 and BN 32 each; the
 * two dilated ones add a (5, 1) conv 16*16*5+16 and BN 32, the max branch a BN 32). The test
 * recounts it from the blocks and checks it against the official file's tensors.
 */
export class CtrGcn extends Module {
  readonly modelName = 'ctrgcn';
  readonly config: Readonly<ResolvedCtrGcnOptions>;
  readonly generator: Generator;
  readonly data_bn: Module;
  readonly drop_out: Module;
  readonly fc: Linear;

  constructor(options: CtrGcnOptions = {}) {
    super();
    const config: ResolvedCtrGcnOptions = withDefaults<ResolvedCtrGcnOptions>(DEFAULTS, options);
    this.config = Object.freeze(config);
    const base = config.baseChannels;
    if (!Number.isInteger(base) || base < 8 || base % 4 !== 0) {
      throw new RangeError(`ctrgcn: baseChannels must be a multiple of 4 and >= 8 (4 temporal branches, C/8 relation channels), got ${base}`);
    }
    const generator = (this.generator = new Generator(config.seed));
    const settings: NormSettings = { momentum: config.bnMomentum, trackRunningStats: config.trackRunningStats, numGroups: config.normGroups };
    const layout = layoutByName(config.layout);
    const v = layout.joints;
    this.data_bn = this.registerModule('data_bn', !config.dataNorm
      ? new Identity()
      : makeNorm(config.norm === 'frozen' ? 'frozen' : 'batch', config.persons * v * config.inChannels, 1, settings));
    const graph = ctrgcnSpatialGraph(v, layout.edges);
    PLAN.forEach(([inScale, outScale, stride, residual], i) => this.registerModule(`l${i + 1}`, new CtrGcnBlock({
      inChannels: inScale === 0 ? config.inChannels : inScale * base,
      outChannels: outScale * base,
      stride,
      residual,
      graph,
      joints: v,
      adaptive: config.adaptive,
      norm: config.norm,
      normSettings: settings,
      generator,
    })));
    const features = PLAN[PLAN.length - 1]![1] * base;
    this.fc = this.registerModule('fc', new Linear({ inFeatures: features, outFeatures: config.numClasses, generator }));
    // nn.init.normal_(fc.weight, 0, sqrt(2 / num_class)); the bias keeps Linear's default.
    const weight = normalValues(this.fc.weight.size, 0, Math.sqrt(2 / config.numClasses), generator);
    tf.tidy(() => this.fc.weight.assign(tf.tensor(weight, this.fc.weight.shape)));
    // Stateless, so registering it (for train/eval) adds no state-dict key, as in the reference.
    this.drop_out = this.registerModule('drop_out', makeDropout('standard', config.dropout, generator));
  }

  /** l1..l10, read from the registered children so that a `replaceModule` is seen. */
  get blocks(): Module[] {
    return this.namedChildren().filter(([name]) => /^l\d+$/.test(name)).map(([, block]) => block);
  }

  /** [N, M, T, V, C] -> logits [N, numClasses] (V: the layout's joints, 25 for ntu25). */
  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const { persons, inChannels, norm } = this.config;
    assertSkeletonBatch('ctrgcn', x, { persons, joints: layoutByName(this.config.layout).joints, channels: inChannels });
    const [n = 0, m = 0, t = 0, v = 0, c = 0] = x.shape;
    // data_bn sees (N, M*V*C, T) in PyTorch: channel m*V*C + v*C + c, statistics over N and T.
    const flat = tf.reshape(tf.transpose(x, [0, 2, 1, 3, 4]), [n, t, m * v * c]);
    const normalized = tf.transpose(tf.reshape(this.data_bn.call(flat, context), [n, t, m, v, c]), [0, 2, 1, 3, 4]);
    const mask = norm === 'masked-batch' ? tf.reshape(personMask(x), [-1]) : undefined;
    const blockContext = { ...context, ...(mask ? { mask } : {}) };
    let features = foldPersons(normalized);
    for (const block of this.blocks) features = block.call(features, blockContext);
    const pooled = tf.mean(unfoldPersons(tf.mean(features, [1, 2]), m), 1);
    return this.fc.call(this.drop_out.call(pooled, context), context);
  }
}
