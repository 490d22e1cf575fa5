import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Module, ReLU, Sequential, type ForwardContext, type Generator } from '@skelnorm/nn';
import { initConvFanOut, initNormAffine } from './ctrgcn-init.js';
import { ParallelBranches } from './ctrgcn-parallel.js';
import { makeNorm, type ModelNorm, type NormSettings } from './model-norm.js';

/** Gives a CTRGC its topology at forward time: one [V, V] subset of the shared adjacency, and alpha ([1]). */
export interface CtrgcTopology {
  adjacency: () => tf.Tensor;
  alpha: () => tf.Tensor;
}

/**
 * Channel-wise topology refinement graph convolution (CTRGC, Chen et al. 2021, arXiv:2107.12213,
 * `CTRGC` in the reference `model/ctrgcn.py`). For x [N, T, V, C_in]:
 *   q = conv1(mean_T x), k = conv2(mean_T x)                       [N, V, R]
 *   M_c[u, v] = conv4(tanh(q[u] - k[v]))_c * alpha + A[u, v]      [N, V, V, C_out], one topology per channel
 *   y[n, t, u, c] = sum_v M_c[u, v] * conv3(x)[n, t, v, c]        [N, T, V, C_out]
 * R = 8 relation channels when C_in is 3 or 9 (raw coordinates), else C_in / 8. The temporal mean
 * is taken before conv1/conv2 (the reference: after): both are 1x1 convs, so the two orders agree
 * and this one does T times less work.
 *
 * The contraction is one batch matMul over (n, c) — [T, V] x [V, U] — with equal batch dims on
 * both sides, so its gradient needs no reduction (no einsum, missing on wasm).
 * Names: `conv1.*`, `conv2.*`, `conv3.*`, `conv4.*` (weights (out, in, 1, 1) in PyTorch layout).
 */
export class Ctrgc extends Module {
  readonly relChannels: number;
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;
  readonly conv3: Conv2d;
  readonly conv4: Conv2d;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    private readonly topology: CtrgcTopology,
    generator: Generator,
    relReduction = 8,
  ) {
    super();
    this.relChannels = inChannels === 3 || inChannels === 9 ? 8 : Math.floor(inChannels / relReduction);
    if (this.relChannels < 1) {
      throw new RangeError(`Ctrgc: ${inChannels} input channels give no relation channels (C_in / ${relReduction} < 1)`);
    }
    const conv = (i: number, o: number) => new Conv2d({ inChannels: i, outChannels: o, kernelSize: 1, generator });
    // The reference's mid_channels (C_in / mid_reduction) are built but never used: not here.
    this.conv1 = this.registerModule('conv1', conv(inChannels, this.relChannels));
    this.conv2 = this.registerModule('conv2', conv(inChannels, this.relChannels));
    this.conv3 = this.registerModule('conv3', conv(inChannels, outChannels));
    this.conv4 = this.registerModule('conv4', conv(this.relChannels, outChannels));
    for (const c of [this.conv1, this.conv2, this.conv3, this.conv4]) initConvFanOut(c, generator);
  }

  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const [n = 0, t = 0, v = 0] = x.shape;
    const r = this.relChannels;
    const c = this.outChannels;
    const pooled = tf.mean(x, 1, true); // [N, 1, V, C_in]
    const q = tf.reshape(this.conv1.call(pooled, context), [n, 1, v, r]); // index u on axis 2
    const k = tf.reshape(this.conv2.call(pooled, context), [n, v, 1, r]); // index v on axis 1
    // Laid out [N, V(v), V(u), .]: after moving channels forward, each (n, c) slice is already
    // the right-hand [V, U] factor of the matMul.
    const relation = this.conv4.call(tf.tanh(tf.sub(q, k)), context);
    const a = tf.reshape(tf.transpose(this.topology.adjacency()), [v, v, 1]);
    const refined = tf.add(tf.mul(relation, this.topology.alpha()), a); // [N, V(v), V(u), C]
    const right = tf.reshape(tf.transpose(refined, [0, 3, 1, 2]), [n * c, v, v]);
    const left = tf.reshape(tf.transpose(this.conv3.call(x, context), [0, 3, 1, 2]), [n * c, t, v]);
    const y = tf.reshape(tf.matMul(left, right), [n, c, t, v]);
    return tf.transpose(y, [0, 2, 3, 1]);
  }
}

export interface CtrGcnGraphUnitOptions {
  inChannels: number;
  outChannels: number;
  /** The graph [K, V, V] (K subsets, one CTRGC each), flat as `ctrgcnSpatialGraph` returns it. */
  graph: Float32Array;
  /** V. */
  joints: number;
  /** Learn the adjacency (`PA`, initialized to the graph) or keep the graph fixed. */
  adaptive: boolean;
  /** Normalization of `bn` and of `down`. */
  norm: ModelNorm;
  normSettings: NormSettings;
  /** Source of the initial weights. */
  generator: Generator;
}

/**
 * The graph-conv unit of CTR-GCN (`unit_gcn` in the reference): the sum over the K subsets of a
 * CTRGC each (topology A_k + alpha * refinement), norm, plus `down(x)`, ReLU:
 *   y = relu(bn(sum_k CTRGC_k(x, A_k, alpha)) + down(x)),
 * down = 1x1 conv + norm when C_in != C_out, else the identity.
 * `PA` [K, V, V] is a parameter initialized to the graph when `adaptive`; otherwise the graph is a
 * constant, outside the state dict as in the reference. `alpha` [1] starts at 0 and `bn`'s scale at
 * 1e-6 (`bn_init(self.bn, 1e-6)`): a fresh unit is close to its residual.
 * Shape: [N, T, V, C_in] -> [N, T, V, C_out]. Names: `PA`, `alpha`, `convs.{k}.*`, `down.{0,1}.*`, `bn.*`.
 */
export class CtrGcnGraphUnit extends Module {
  readonly PA: tf.Variable | undefined;
  readonly alpha: tf.Variable;
  readonly convs: ParallelBranches;
  readonly down: Module | undefined;
  readonly bn: Module;
  private readonly relu = new ReLU();

  constructor(o: CtrGcnGraphUnitOptions) {
    super();
    const { inChannels, outChannels, joints: v, generator } = o;
    const subsets = o.graph.length / (v * v);
    if (!Number.isInteger(subsets) || subsets < 1) {
      throw new RangeError(`CtrGcnGraphUnit: graph of ${o.graph.length} values is not [K, ${v}, ${v}]`);
    }
    // Parameters first, as PyTorch lists a module's own parameters before its children's.
    if (o.adaptive) this.PA = this.registerParameter('PA', tf.tensor3d(o.graph, [subsets, v, v]));
    this.alpha = this.registerParameter('alpha', tf.zeros([1]));
    // A fixed graph is made a tensor at each call (625 values), an intermediate like any other:
    // held as a tensor, it would be state outside the state dict that dispose() never sees.
    const fixed = Float32Array.from(o.graph);
    const adjacencyOf = (k: number) => () => this.PA
      ? tf.reshape(tf.slice(this.PA, [k, 0, 0], [1, v, v]), [v, v])
      : tf.tensor2d(fixed.subarray(k * v * v, (k + 1) * v * v), [v, v]);
    const alpha = () => this.alpha;
    this.convs = this.registerModule('convs', new ParallelBranches('sum', Array.from({ length: subsets }, (_, k) =>
      new Ctrgc(inChannels, outChannels, { adjacency: adjacencyOf(k), alpha }, generator))));
    if (inChannels !== outChannels) {
      const conv = new Conv2d({ inChannels, outChannels, kernelSize: 1, generator });
      const norm = makeNorm(o.norm, outChannels, 2, o.normSettings);
      initConvFanOut(conv, generator);
      initNormAffine(norm, 1, generator);
      this.down = this.registerModule('down', new Sequential(conv, norm));
    }
    this.bn = this.registerModule('bn', makeNorm(o.norm, outChannels, 2, o.normSettings));
    initNormAffine(this.bn, 1e-6, generator);
  }

  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const y = this.bn.call(this.convs.call(x, context), context);
    return this.relu.call(tf.add(y, this.down ? this.down.call(x, context) : x));
  }
}
