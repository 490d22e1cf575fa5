import { Dropout, Identity, type Generator, type Module } from '@skelnorm/nn';

/**
 * - `standard`: `torch.nn.Dropout` — active in training mode, the identity in eval mode;
 * - `always-on`: what `F.dropout(x, p)` without `training=self.training` does in PyTorch — active
 *   in eval mode too. A common mistake that opens a train/eval gap of its own; here to measure it.
 */
export type DropoutKind = 'standard' | 'always-on';

export const DROPOUT_KINDS: readonly DropoutKind[] = ['standard', 'always-on'];

/** Dropout that ignores eval mode, reproducing `F.dropout(x, p)` (whose `training` defaults to true). */
export class AlwaysOnDropout extends Dropout {
  override get training(): boolean {
    return true;
  }
}

/** A dropout layer of the given kind; p = 0 gives an `Identity`. */
export function makeDropout(kind: DropoutKind, p: number, generator: Generator): Module {
  if (p === 0) return new Identity();
  return kind === 'always-on' ? new AlwaysOnDropout({ p, generator }) : new Dropout({ p, generator });
}
