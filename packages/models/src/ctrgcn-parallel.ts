import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext } from '@skelnorm/nn';

/** How parallel branches' outputs are merged: added, or concatenated along channels (the last axis). */
export type BranchMerge = 'sum' | 'concat';

/**
 * Modules applied to the same input, merged: the `nn.ModuleList`s of CTR-GCN with the loop of
 * their owner's forward (`unit_gcn.convs`, summed; `MultiScale_TemporalConv.branches`,
 * `torch.cat(dim=1)`). Children are named '0', '1', ... as in the ModuleList, so state-dict keys
 * are the reference's (`convs.0.conv1.weight`, `branches.2.4.running_mean`). The context reaches
 * every branch.
 */
export class ParallelBranches extends Module {
  constructor(
    readonly merge: BranchMerge,
    branches: readonly Module[],
  ) {
    super();
    if (branches.length === 0) throw new RangeError('ParallelBranches: expected at least one branch');
    branches.forEach((branch, i) => this.registerModule(String(i), branch));
  }

  /** The branches, in order. */
  get branches(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  forward(x: tf.Tensor, context: ForwardContext): tf.Tensor {
    const outputs = this.branches.map((branch) => branch.call(x, context));
    if (outputs.length === 1) return outputs[0]!;
    return this.merge === 'sum' ? tf.addN(outputs) : tf.concat(outputs, -1);
  }
}
