// Child-process entry of node-webgpu.test.ts: the WebGPU side of the tiny training step, run in
// a process started with Dawn's environment (VK_ICD_FILENAMES, LD_LIBRARY_PATH). Prints one JSON line.
import { setupBackend } from '../index.js';
import { runTinyTrainingStep } from './tiny-training-step.js';

const choice = await setupBackend({ prefer: 'node-webgpu' });
const result = await runTinyTrainingStep();
process.stdout.write(`${JSON.stringify({ choice, result })}\n`);
