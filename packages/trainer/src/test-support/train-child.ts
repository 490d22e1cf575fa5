// A training process for the SIGKILL test: trains TinyNet with a checkpoint after every step,
// resuming from the latest one, and prints `checkpoint <globalStep>` lines. Runs from sources
// (SOURCE_NODE_ARGS); SKELNORM_CKPT_DIR names the checkpoint directory. From step
// SKELNORM_HOLD_AT on it holds after announcing a checkpoint, mid-epoch, until it is killed: the test
// kills it there, never racing a run that might finish first.
import { setupBackend } from '@skelnorm/backends';
import { fit } from '../index.js';
import { FileCheckpointStore } from '../node/index.js';
import { killTestRun } from './kill-test-run.js';

await setupBackend({ prefer: 'cpu' });
const dir = process.env['SKELNORM_CKPT_DIR'];
if (!dir) throw new Error('train-child: set SKELNORM_CKPT_DIR');
const holdAt = Number(process.env['SKELNORM_HOLD_AT'] ?? Infinity);
const { model, data, options } = killTestRun();
const store = new FileCheckpointStore(dir, { keep: 2 });
for await (const e of fit(model, data, { ...options, checkpoint: { store, everySteps: 1 }, resume: 'latest' })) {
  if (e.type === 'checkpoint') {
    process.stdout.write(`checkpoint ${e.globalStep}\n`);
    if (e.globalStep >= holdAt) await new Promise(() => setInterval(() => {}, 1000));
  }
  if (e.type === 'error') throw e.error;
}
