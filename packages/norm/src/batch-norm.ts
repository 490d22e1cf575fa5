import { BatchNormBase, type BatchNormOptions } from './batch-norm-base.js';

/**
 * Batch normalization over a batch of vectors or sequences, as `torch.nn.BatchNorm1d`
 * (Ioffe & Szegedy 2015, https://arxiv.org/abs/1502.03167), channels last.
 *
 *   y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias
 *
 * per channel, over N (and L). Training mode: batch statistics (biased variance) normalize, and
 * `running_mean`/`running_var` (unbiased) follow
 * `running = (1 - momentum) * running + momentum * batch` (PyTorch convention, default 0.1;
 * `null` = cumulative average). Eval mode: the running statistics normalize.
 * Defaults: eps 1e-5, momentum 0.1, affine true, trackRunningStats true.
 *
 * Shape: [N, C] or [N, L, C] (PyTorch's (N, C, L) transposed) -> same.
 * State: `weight`, `bias` [C]; `running_mean`, `running_var` [C]; `num_batches_tracked` int32.
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(options: BatchNormOptions) {
    super(options, { layerName: 'BatchNorm1d', dims: 1 });
  }
}

/**
 * Batch normalization over feature maps, as `torch.nn.BatchNorm2d`, channels last: statistics per
 * channel over N, H and W. Same formula, momentum convention, defaults and state as `BatchNorm1d`.
 *
 * Shape: [N, H, W, C] (PyTorch's (N, C, H, W) transposed) -> same.
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(options: BatchNormOptions) {
    super(options, { layerName: 'BatchNorm2d', dims: 2 });
  }
}
