import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Module, ReLU, Sequential, type ForwardContext, type Generator } from '@skelnorm/nn';
import { makeDropout } from './dropout-kind.js';
import { makeNorm, type ModelNorm, type NormSettings } from './model-norm.js';
import { addResidual, residualKind, type ResidualKind } from './residual.js';

/** Gives the block its adjacency, already multiplied by the edge importance: [K, V, V]. */
export type AdjacencySource = () => tf.Tensor;

/**
 * The spatial graph convolution of ST-GCN (`ConvTemporalGraphical` in the reference): a 1x1 conv
 * to K * C_out channels (channel k * C_out + c, as PyTorch's `view(n, K, C, t, v)`), then
 * y[n, t, w, c] = sum_k sum_v x[n, t, v, k, c] A[k, v, w].
 *
 * The contraction is one 2-D matMul ([N*T*C, K*V] x [K*V, V]) between two transposes: no einsum
 * (missing on wasm) and no broadcast batch matMul (whose tfjs gradient does not reduce the
 * broadcast axis). Shape: [N, T, V, C_in] -> [N, T, V, C_out]. Names: `conv.weight`, `conv.bias`.
 */
export class ConvTemporalGraphical extends Module {
  readonly conv: Conv2d;

  constructor(
    inChannels: number,
    readonly outChannels: number,
    readonly partitions: number,
    private readonly adjacency: AdjacencySource,
    generator: Generator,
  ) {
    super();
    this.conv = this.registerModule('conv', new Conv2d({ inChannels, outChannels: outChannels * partitions, kernelSize: 1, generator }));
  }

  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const [n = 0, t = 0, v = 0] = x.shape;
    const k = this.partitions;
    const c = this.outChannels;
    const y = tf.reshape(this.conv.call(x, context), [n, t, v, k, c]);
    const rows = tf.reshape(tf.transpose(y, [0, 1, 4, 2, 3]), [n * t * c, v * k]);
    // rows are ordered (v, k) after the transpose above; A must be [V*K, W] in the same order.
    const a = tf.reshape(tf.transpose(this.adjacency(), [1, 0, 2]), [v * k, v]);
    return tf.transpose(tf.reshape(tf.matMul(rows, a), [n, t, c, v]), [0, 1, 3, 2]);
  }
}

export interface StGcnBlockOptions {
  inChannels: number;
  outChannels: number;
  /** Temporal stride of the block (1 or 2 in ST-GCN). */
  stride: number;
  residual: boolean;
  /** Temporal kernel size; 9 in ST-GCN. */
  temporalKernel: number;
  dropout: number;
  norm: ModelNorm;
  normSettings: NormSettings;
  adjacency: AdjacencySource;
  partitions: number;
  generator: Generator;
}

/**
 * One ST-GCN unit (`st_gcn` in the reference `net/st_gcn.py`):
 * relu(tcn(gcn(x, A)) + residual(x)), tcn = Sequential(norm, ReLU, Conv2d((9, 1), stride (s, 1),
 * padding (4, 0)), norm, Dropout). Shape: [N, T, V, C_in] -> [N, ceil(T/s), V, C_out].
 * State-dict names as the reference: `gcn.conv.*`, `tcn.0.*`, `tcn.2.*`, `tcn.3.*`, `residual.0.*`,
 * `residual.1.*`. The context (e.g. a person mask for masked BatchNorm) reaches every norm.
 */
export class StGcnBlock extends Module {
  readonly gcn: ConvTemporalGraphical;
  readonly tcn: Sequential;
  readonly residual: Sequential | undefined;
  readonly residualKind: ResidualKind;
  private readonly relu = new ReLU();

  constructor(o: StGcnBlockOptions) {
    super();
    const { inChannels, outChannels, stride, generator } = o;
    const pad = (o.temporalKernel - 1) / 2;
    if (!Number.isInteger(pad)) throw new Error(`StGcnBlock: temporal kernel must be odd, got ${o.temporalKernel}`);
    this.gcn = this.registerModule('gcn', new ConvTemporalGraphical(inChannels, outChannels, o.partitions, o.adjacency, generator));
    this.tcn = this.registerModule('tcn', new Sequential(
      makeNorm(o.norm, outChannels, 2, o.normSettings),
      new ReLU(),
      new Conv2d({ inChannels: outChannels, outChannels, kernelSize: [o.temporalKernel, 1], stride: [stride, 1], padding: [pad, 0], generator }),
      makeNorm(o.norm, outChannels, 2, o.normSettings),
      makeDropout('standard', o.dropout, generator),
    ));
    this.residualKind = residualKind(o.residual, inChannels, outChannels, stride);
    this.residual = this.residualKind === 'conv'
      ? this.registerModule('residual', new Sequential(
        new Conv2d({ inChannels, outChannels, kernelSize: 1, stride: [stride, 1], generator }),
        makeNorm(o.norm, outChannels, 2, o.normSettings),
      ))
      : undefined;
  }

  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const y = this.tcn.call(this.gcn.call(x, context), context);
    return addResidual(this.relu, y, x, this.residualKind, this.residual, context);
  }
}
