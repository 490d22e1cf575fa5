import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, Module } from '@skelnorm/nn';

/** How a graph-conv block adds its input back: not at all, as it is, or through a 1x1 conv + norm. */
export type ResidualKind = 'none' | 'identity' | 'conv';

/** The residual that ST-GCN's and CTR-GCN's blocks take: none when asked, identity when the shape stays, else a conv. */
export function residualKind(residual: boolean, inChannels: number, outChannels: number, stride: number): ResidualKind {
  return !residual ? 'none' : inChannels === outChannels && stride === 1 ? 'identity' : 'conv';
}

/** relu(y + residual(x)): how both blocks end. `conv` is the residual module when kind is 'conv'. */
export function addResidual(relu: Module, y: tf.Tensor, x: tf.Tensor, kind: ResidualKind, conv: Module | undefined, context: ForwardContext): tf.Tensor {
  switch (kind) {
    case 'none':
      return relu.call(y);
    case 'identity':
      return relu.call(tf.add(y, x));
    case 'conv':
      return relu.call(tf.add(y, conv!.call(x, context)));
  }
}
