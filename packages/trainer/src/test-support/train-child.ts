// A training process for the SIGKILL test: trains TinyNet with a checkpoint after every step,
// resuming from the latest one, and prints `checkpoint <globalStep>` lines. Runs from sources
// (tsx + tsconfig.worker.json); SKELNORM_CKPT_DIR names the checkpoint directory.
import { setupBackend } from '@skelnorm/backends';
import { fit } from '../index.js';
import { FileCheckpointStore } from '../node/index.js';
import { killTestRun } from './kill-test-run.js';

await setupBackend({ prefer: 'cpu' });
const dir = process.env['SKELNORM_CKPT_DIR'];
if (!dir) throw new Error('train-child: set SKELNORM_CKPT_DIR');
const { model, data, options } = killTestRun();
const store = new FileCheckpointStore(dir, { keep: 2 });
for await (const e of fit(model, data, { ...options, checkpoint: { store, everySteps: 1 }, resume: 'latest' })) {
  if (e.type === 'checkpoint') process.stdout.write(`checkpoint ${e.globalStep}\n`);
  if (e.type === 'error') throw e.error;
  if (e.type === 'step') await new Promise((r) => setTimeout(r, 40));
}
