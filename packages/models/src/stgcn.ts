import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Generator, Identity, Module, Sequential, type ForwardContext } from '@skelnorm/nn';
import { foldPersons, layoutByName, layoutNames, personMask, unfoldPersons, type LayoutName } from '@skelnorm/data';
import { EdgeImportance } from './edge-importance.js';
import { MODEL_NORMS, makeNorm, type ModelNorm, type NormSettings } from './model-norm.js';
import { spatialPartition } from './ntu-graph.js';
import { withDefaults, type ModelInfo, type ResolvedOptions } from './option-schema.js';
import { assertSkeletonBatch } from './skeleton-batch.js';
import { StGcnBlock } from './stgcn-block.js';

/**
 * Channel plans: `paper` is ST-GCN as published; `small` is 6 blocks of 16-64 channels for CPU
 * training (about 1/25 of the paper's multiply-adds at T = 64).
 */
export type StGcnWidth = 'paper' | 'small';

export const STGCN_WIDTHS: readonly StGcnWidth[] = ['paper', 'small'];

/**
 * How `data_bn` normalizes the input, a BatchNorm1d with statistics over the batch and T:
 * - `VC`: the official ST-GCN's (`net/st_gcn.py`): V*C channels, persons folded into the batch, so
 *   one set of statistics covers every person slot, absent (all-zero) persons included;
 * - `MVC`: M*V*C channels, separate statistics per person slot (older ST-GCN code);
 * - `none`: no input normalization.
 */
export type StGcnDataNorm = 'VC' | 'MVC' | 'none';

export const STGCN_DATA_NORMS: readonly StGcnDataNorm[] = ['VC', 'MVC', 'none'];

/** [inChannels (0 = the input's C), outChannels, temporal stride, residual] per block. */
const PLANS: Record<StGcnWidth, readonly (readonly [number, number, number, boolean])[]> = {
  paper: [
    [0, 64, 1, false], [64, 64, 1, true], [64, 64, 1, true], [64, 64, 1, true],
    [64, 128, 2, true], [128, 128, 1, true], [128, 128, 1, true],
    [128, 256, 2, true], [256, 256, 1, true], [256, 256, 1, true],
  ],
  small: [
    [0, 16, 1, false], [16, 16, 1, true],
    [16, 32, 2, true], [32, 32, 1, true],
    [32, 64, 2, true], [64, 64, 1, true],
  ],
};

export interface StGcnOptions {
  /** Output classes. Default 60. */
  numClasses?: number;
  /** Default `paper`. */
  width?: StGcnWidth;
  /** Normalization inside the blocks (after gcn, after the temporal conv, in conv residuals). Default `batch`. */
  norm?: ModelNorm;
  /** `data_bn` over V*C channels (the official model), M*V*C channels, or none; frozen when norm is `frozen`. Default `VC`. */
  dataNorm?: StGcnDataNorm;
  /** BatchNorm momentum, PyTorch convention (null = cumulative). Default 0.1. */
  bnMomentum?: number | null;
  /** Default true. */
  trackRunningStats?: boolean;
  /** Groups of `group` norm (the largest divisor of each width up to this). Default 32. */
  normGroups?: number;
  /** Dropout in each block after the temporal conv (not in the first block). Default 0.5 (the reference's NTU config). */
  dropout?: number;
  /** Learnable edge importance per block. Default true. */
  edgeImportance?: boolean;
  /** Temporal kernel size. Default 9. */
  temporalKernel?: number;
  /** Person slots M; only `dataNorm: 'MVC'` fixes them (M*V*C channels), the others take any M. Default 2. */
  persons?: number;
  /** Input channels C. Default 3. */
  inChannels?: number;
  /** Seed for weight init and dropout. Default 0. */
  seed?: number;
  /** Joint layout of the input (`@skelnorm/data` layouts): V and the spatial graph (its edges and centre). Default `ntu25`. */
  layout?: LayoutName;
}

const DEFAULTS = {
  numClasses: 60,
  width: 'paper',
  norm: 'batch',
  dataNorm: 'VC',
  bnMomentum: 0.1,
  trackRunningStats: true,
  normGroups: 32,
  dropout: 0.5,
  edgeImportance: true,
  temporalKernel: 9,
  persons: 2,
  inChannels: 3,
  seed: 0,
  layout: 'ntu25',
} as const satisfies Required<StGcnOptions>;

export type ResolvedStGcnOptions = ResolvedOptions<StGcnOptions>;

export const stgcnInfo: ModelInfo = {
  name: 'stgcn',
  description: 'ST-GCN: spatial-temporal graph convolutions on the NTU 25-joint graph, spatial partition, persons folded and averaged',
  reference: 'Yan, Xiong, Lin, AAAI 2018, arXiv:1801.07455; github.com/yysijie/st-gcn net/st_gcn.py',
  options: [
    { name: 'numClasses', type: 'integer', default: DEFAULTS.numClasses, min: 1, description: 'output classes' },
    { name: 'width', type: 'enum', default: DEFAULTS.width, choices: STGCN_WIDTHS, description: 'paper (10 blocks, 64-256 channels) or small (6 blocks, 16-64, for CPU)' },
    { name: 'norm', type: 'enum', default: DEFAULTS.norm, choices: MODEL_NORMS, description: 'normalization inside the blocks' },
    { name: 'dataNorm', type: 'enum', default: DEFAULTS.dataNorm, choices: STGCN_DATA_NORMS, description: 'data_bn over V*C channels with persons folded (official), per person slot (M*V*C), or none' },
    { name: 'bnMomentum', type: 'number', default: DEFAULTS.bnMomentum, min: 0, max: 1, nullable: true, description: 'BatchNorm momentum, PyTorch convention (null = cumulative average)' },
    { name: 'trackRunningStats', type: 'boolean', default: DEFAULTS.trackRunningStats, description: 'BatchNorm keeps running statistics' },
    { name: 'normGroups', type: 'integer', default: DEFAULTS.normGroups, min: 1, description: 'groups of GroupNorm' },
    { name: 'dropout', type: 'number', default: DEFAULTS.dropout, min: 0, max: 0.99, description: 'dropout in each block' },
    { name: 'edgeImportance', type: 'boolean', default: DEFAULTS.edgeImportance, description: 'learnable edge importance per block' },
    { name: 'temporalKernel', type: 'integer', default: DEFAULTS.temporalKernel, min: 1, description: 'temporal kernel size (odd)' },
    { name: 'persons', type: 'integer', default: DEFAULTS.persons, min: 1, description: "person slots M (fixed only by dataNorm 'MVC')" },
    { name: 'inChannels', type: 'integer', default: DEFAULTS.inChannels, min: 1, description: 'input channels C' },
    { name: 'seed', type: 'integer', default: DEFAULTS.seed, min: 0, description: 'seed for weight init and dropout' },
    { name: 'layout', type: 'enum', default: DEFAULTS.layout, choices: layoutNames, description: `joint layout of the input: ${layoutNames.join(', ')}; sets V and the spatial graph` },
  ],
};

/**
 * ST-GCN (Yan et al. 2018) as the official `net/st_gcn.py` `Model(in_channels=3, num_class,
 * graph_args={layout: 'ntu-rgb+d', strategy: 'spatial'}, edge_importance_weighting=True)`: at
 * `width: 'paper'`, `dataNorm: 'VC'`, `norm: 'batch'` it computes what the reference computes
 * (`../shared/golden/stgcn_official.safetensors` replays it) and loads its checkpoints as they are.
 *
 * Input [N, M, T, 25, C] -> `data_bn` (BatchNorm1d, statistics over the batch and T; see
 * {@link StGcnDataNorm}) -> persons folded into the batch [N*M, T, V, C] -> blocks (graph conv,
 * 9-frame temporal conv, residual) -> global average pooling over T and V -> mean over persons ->
 * `fcn` (a 1x1 conv, as the reference) -> logits [N, K]. Any T (global pooling). With
 * `norm: 'masked-batch'` the blocks' BatchNorm statistics skip absent (all-zero) persons.
 *
 * State-dict names as `net/st_gcn.py`: `A` (buffer [3, 25, 25], the reference's spatial partition,
 * see `spatialPartition`), `data_bn.*`, `st_gcn_networks.{i}.gcn.conv.*`, `.tcn.{0,2,3}.*`,
 * `.residual.{0,1}.*`, `edge_importance.{i}`, `fcn.*`.
 *
 * Parameters (K = 60 classes, batch norm, edge importance, `VC`): `paper` **3,098,832** (data_bn
 * 2 * 75 = 150, blocks 3,064,512 — e.g. block 64->64: gcn 64*192+192, BN 128, temporal conv
 * 64*64*9+64, BN 128 —, edge importance 10 * 3*25*25 = 18,750, fcn 256*60+60 = 15,420); `small`
 * **140,660** (blocks 125,360, edge importance 6 * 1,875, fcn 64*60+60). `MVC` adds 150 (data_bn
 * over 150 channels). The test recounts both from the blocks.
 */
export class StGcn extends Module {
  readonly modelName = 'stgcn';
  readonly config: Readonly<ResolvedStGcnOptions>;
  readonly generator: Generator;
  /** The spatial-partition adjacency [3, V, V], a buffer as in the reference. */
  readonly A: tf.Variable;
  readonly data_bn: Module;
  readonly st_gcn_networks: Sequential;
  readonly edge_importance: EdgeImportance | undefined;
  readonly fcn: Conv2d;

  constructor(options: StGcnOptions = {}) {
    super();
    const config: ResolvedStGcnOptions = withDefaults<ResolvedStGcnOptions>(DEFAULTS, options);
    this.config = Object.freeze(config);
    const generator = (this.generator = new Generator(config.seed));
    const settings: NormSettings = { momentum: config.bnMomentum, trackRunningStats: config.trackRunningStats, numGroups: config.normGroups };
    const partitions = 3;
    const layout = layoutByName(config.layout);
    const v = layout.joints;
    this.A = this.registerBuffer('A', tf.tensor3d(spatialPartition(v, layout.edges, layout.centre), [partitions, v, v]));
    const dataChannels = (config.dataNorm === 'MVC' ? config.persons : 1) * v * config.inChannels;
    this.data_bn = this.registerModule('data_bn', config.dataNorm === 'none'
      ? new Identity()
      : makeNorm(config.norm === 'frozen' ? 'frozen' : 'batch', dataChannels, 1, settings));
    const plan = PLANS[config.width];
    const blocks = plan.map(([inChannels, outChannels, stride, residual], i) => new StGcnBlock({
      inChannels: inChannels || config.inChannels,
      outChannels,
      stride,
      residual,
      temporalKernel: config.temporalKernel,
      // The reference leaves dropout out of the first block.
      dropout: i === 0 ? 0 : config.dropout,
      norm: config.norm,
      normSettings: settings,
      partitions,
      adjacency: () => (this.edge_importance ? tf.mul(this.A, this.edge_importance.masks[i]!) : this.A),
      generator,
    }));
    this.st_gcn_networks = this.registerModule('st_gcn_networks', new Sequential(...blocks));
    // After the blocks, as in the reference, so that stateDict() lists keys in PyTorch's order; the
    // blocks' adjacency closures read it only at forward time.
    this.edge_importance = config.edgeImportance
      ? this.registerModule('edge_importance', new EdgeImportance(plan.length, [partitions, v, v]))
      : undefined;
    const last = plan[plan.length - 1]![1];
    this.fcn = this.registerModule('fcn', new Conv2d({ inChannels: last, outChannels: config.numClasses, kernelSize: 1, generator }));
  }

  /** [N, M, T, V, C] -> logits [N, numClasses] (V: the layout's joints, 25 for ntu25). */
  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const { persons, inChannels, norm, dataNorm } = this.config;
    assertSkeletonBatch('stgcn', x, { ...(dataNorm === 'MVC' ? { persons } : {}), joints: layoutByName(this.config.layout).joints, channels: inChannels });
    const [n = 0, m = 0] = x.shape;
    const normalized = this.normalizeInput(x, context);
    const mask = norm === 'masked-batch' ? tf.reshape(personMask(x), [-1]) : undefined;
    const features = this.st_gcn_networks.call(foldPersons(normalized), { ...context, ...(mask ? { mask } : {}) });
    const pooled = tf.mean(unfoldPersons(tf.mean(features, [1, 2]), m), 1);
    const channels = pooled.shape[1] ?? 0;
    return tf.reshape(this.fcn.call(tf.reshape(pooled, [n, 1, 1, channels]), context), [n, -1]);
  }

  /** `data_bn` on [N, M, T, V, C]; the channel order is PyTorch's (v*C + c, or m*V*C + v*C + c). */
  private normalizeInput(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const [n = 0, m = 0, t = 0, v = 0, c = 0] = x.shape;
    switch (this.config.dataNorm) {
      case 'none':
        return x;
      case 'VC':
        // The reference's (N*M, V*C, T): persons in the batch, so absent persons' zeros count.
        return tf.reshape(this.data_bn.call(tf.reshape(x, [n * m, t, v * c]), context), [n, m, t, v, c]);
      case 'MVC': {
        const flat = tf.reshape(tf.transpose(x, [0, 2, 1, 3, 4]), [n, t, m * v * c]);
        return tf.transpose(tf.reshape(this.data_bn.call(flat, context), [n, t, m, v, c]), [0, 2, 1, 3, 4]);
      }
    }
  }
}
