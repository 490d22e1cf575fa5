import { readFile, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensors, safetensorsToTensors, tensorsToSafetensors } from '@skelnorm/nn';

/**
 * Writes what `safetensors.torch.save_file(model.state_dict(), path)` would for the model in a
 * skelnorm checkpoint `from`: the tensors under their PyTorch names, no metadata.
 */
export async function writePlainStateDict(from: string, to: string): Promise<void> {
  const file = readSafetensors(await readFile(from), from);
  const dict = safetensorsToTensors(file, file.metadata['skelnorm.trainer'] !== undefined ? 'model.' : '');
  try {
    await writeFile(to, await tensorsToSafetensors(dict));
  } finally {
    tf.dispose(dict);
  }
}
