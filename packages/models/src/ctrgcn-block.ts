import * as tf from '@tensorflow/tfjs-core';
import { Module, ReLU, type ForwardContext, type Generator } from '@skelnorm/nn';
import { CtrGcnGraphUnit, type CtrGcnGraphUnitOptions } from './ctrgcn-graph-conv.js';
import { initNormAffine } from './ctrgcn-init.js';
import { MultiScaleTemporalConv, TemporalConv } from './ctrgcn-temporal.js';
import type { ModelNorm, NormSettings } from './model-norm.js';
import { addResidual, residualKind, type ResidualKind } from './residual.js';

/** The temporal kernel and dilations of CTR-GCN's blocks (`TCN_GCN_unit` defaults). */
export const CTRGCN_TEMPORAL_KERNEL = 5;
export const CTRGCN_DILATIONS: readonly number[] = [1, 2];

/** A graph unit's options plus the block's temporal stride and residual. */
export interface CtrGcnBlockOptions extends CtrGcnGraphUnitOptions {
  /** Temporal stride of tcn1 and of the conv residual (1 or 2 in CTR-GCN). */
  stride: number;
  /** False only for the first block (the reference's `residual=False`). */
  residual: boolean;
}

/**
 * One CTR-GCN block (`TCN_GCN_unit` in the reference `model/ctrgcn.py`):
 *   y = relu(tcn1(gcn1(x)) + residual(x)),
 * gcn1 a `CtrGcnGraphUnit`, tcn1 a `MultiScaleTemporalConv` (kernel 5, dilations 1 and 2, the
 * block's stride), residual nothing (the first block), the input, or `unit_tcn` — a 1x1 conv with
 * the stride, then a norm — when channels or length change.
 * Shape: [N, T, V, C_in] -> [N, ceil(T/s), V, C_out]. Names: `gcn1.*`, `tcn1.branches.*`, `residual.{conv,bn}.*`.
 */
export class CtrGcnBlock extends Module {
  readonly gcn1: CtrGcnGraphUnit;
  readonly tcn1: MultiScaleTemporalConv;
  readonly residual: TemporalConv | undefined;
  readonly residualKind: ResidualKind;
  private readonly relu = new ReLU();

  constructor(o: CtrGcnBlockOptions) {
    super();
    const { inChannels, outChannels, stride, norm, normSettings, generator } = o;
    this.gcn1 = this.registerModule('gcn1', new CtrGcnGraphUnit(o));
    this.tcn1 = this.registerModule('tcn1', new MultiScaleTemporalConv({
      inChannels: outChannels, outChannels, kernel: CTRGCN_TEMPORAL_KERNEL, stride, dilations: CTRGCN_DILATIONS, norm, normSettings, generator,
    }));
    this.residualKind = residualKind(o.residual, inChannels, outChannels, stride);
    if (this.residualKind === 'conv') {
      this.residual = this.registerModule('residual', new TemporalConv({
        inChannels, outChannels, kernel: 1, stride, dilation: 1, norm, normSettings, generator,
      }));
      // unit_tcn: bn_init(bn, 1), where TemporalConv draws its scale as weights_init does.
      initNormAffine(this.residual.bn, 1, generator);
    }
  }

  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const y = this.tcn1.call(this.gcn1.call(x, context), context);
    return addResidual(this.relu, y, x, this.residualKind, this.residual, context);
  }
}
