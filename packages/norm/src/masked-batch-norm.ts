import { BatchNormBase, type BatchNormOptions } from './batch-norm-base.js';

/**
 * BatchNorm whose batch statistics come only from the valid samples of `context.mask` ([N], 1 =
 * real sample, 0 = padding such as the all-zero second person of a single-person NTU sample).
 * Beyond PyTorch. Over the valid samples, with n = (valid samples) x (values per sample and channel):
 *
 *   mean = sum(m x) / n,  var = sum(m (x - mean)^2) / n,  running_var gets var * n / (n - 1)
 *
 * Every sample, padded ones included, is normalized with these statistics (the layer does not
 * zero padded outputs; the model decides what padded samples contribute). Without a mask it is
 * exactly `BatchNorm1d`/`BatchNorm2d`. A training batch without any valid sample is normalized with
 * the running statistics and leaves them and `num_batches_tracked` unchanged. The check for one value
 * per channel counts all samples (the valid count lives on the device and is not read back).
 * Eval mode ignores the mask. Options, defaults, momentum convention and state names as BatchNorm.
 */
export class MaskedBatchNorm1d extends BatchNormBase {
  /** Shape: [N, C] or [N, L, C] -> same; mask [N]. */
  constructor(options: BatchNormOptions) {
    super(options, { layerName: 'MaskedBatchNorm1d', dims: 1, masked: true });
  }
}

/** `MaskedBatchNorm1d` for feature maps. Shape: [N, H, W, C] -> same; mask [N]. */
export class MaskedBatchNorm2d extends BatchNormBase {
  constructor(options: BatchNormOptions) {
    super(options, { layerName: 'MaskedBatchNorm2d', dims: 2, masked: true });
  }
}
