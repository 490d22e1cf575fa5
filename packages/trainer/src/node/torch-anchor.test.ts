import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anchorsDir } from '@skelnorm/test-support';
import { describe, expect, it } from 'vitest';
import { TORCH_ANCHOR_SCRIPT } from './torch-anchor.js';

describe('the PyTorch anchor', () => {
  // The package ships its own copy (an installed package has no ../shared); every published ratio
  // is against the shared one, so the copy must never drift from it.
  it('is the shared anchor, byte for byte', () => {
    const shared = join(anchorsDir(), 'torch_seed_cnn_step.py');
    expect(readFileSync(TORCH_ANCHOR_SCRIPT).equals(readFileSync(shared)), `${TORCH_ANCHOR_SCRIPT} differs from ${shared}`).toBe(true);
  });
});
