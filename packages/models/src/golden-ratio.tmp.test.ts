import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensors, safetensorsToTensors, skeletonBatchFromTorch } from '@skelnorm/nn';
import { setupBackend } from '@skelnorm/backends';
import { it } from 'vitest';
import { createModel, loadTorchCheckpoint } from './index.js';
import { goldenDir, toleranceRatio } from './test-support/tf.js';
it('ratios', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    await setupBackend({ prefer: backend });
    for (const name of ['seed_model_bn.safetensors', 'seed_model_nonorm.safetensors']) {
      const bytes = readFileSync(join(goldenDir(), name)); const file = readSafetensors(bytes);
      const model = createModel('seed-cnn', { norm: name.includes('bn') ? 'batch' : 'none', personMode: 'per-person', bnMomentum: 0.01, dropout: 0 });
      loadTorchCheckpoint(model, bytes, { prefix: 'initial.', strict: false });
      const modes = JSON.parse(file.metadata['modes']!) as string[];
      const out: string[] = [];
      modes.forEach((mode, k) => { model.train(mode === 'train'); const y = tf.tidy(() => model.call(skeletonBatchFromTorch(tf.tensor(file.tensors[`steps.${k}.input`]!.data, file.tensors[`steps.${k}.input`]!.shape))));
        let maxAbs = 0; const a = y.dataSync(), e = file.tensors[`steps.${k}.output`]!.data; for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]! - e[i]!));
        out.push(`${mode}: ratio ${toleranceRatio(a, e).toFixed(3)} maxAbs ${maxAbs.toExponential(2)}`); y.dispose(); });
      const final = safetensorsToTensors(file, 'final.'); const bufs = Object.fromEntries(model.namedBuffers()); let worst = 0;
      for (const [k, w] of Object.entries(final)) if (!k.endsWith('tracked')) worst = Math.max(worst, toleranceRatio(bufs[k]!.dataSync(), w.dataSync()));
      console.log(backend, name, out.join('; '), 'buffers ratio', worst.toFixed(3));
    }
  }
}, 300000);
