import { layoutByName, type Layout } from '@skelnorm/data';
import { loadCheckpointFiles, type LoadedCheckpoint } from '../inference/checkpoint-files.js';
import { layoutMismatch } from './live-messages.js';

/**
 * Where a live model may be served from: a `skelnorm train --layout ntu25-live` checkpoint (or zoo
 * export; both name their model and options in the metadata) copied to `public/models/live/`
 * (gitignored) as `model.safetensors`.
 */
export const LIVE_MODEL_URL = 'models/live/model.safetensors';

/**
 * Rebuilds a model from checkpoint files exactly as the inference card does
 * ({@link loadCheckpointFiles}) and refuses one that was not trained on `live`'s layout.
 *
 * @throws Error with the loader's message, or the layout mismatch ({@link layoutMismatch}).
 */
export async function loadLiveModel(files: readonly File[], live: Layout): Promise<LoadedCheckpoint> {
  const loaded = await loadCheckpointFiles(files);
  let shape = { joints: Number.NaN, channels: Number.NaN };
  try {
    shape = layoutByName(loaded.layout ?? 'ntu25');
  } catch {
    // A layout this build does not know: the name check below refuses it.
  }
  const problem = layoutMismatch({ layout: loaded.layout, joints: shape.joints, channels: shape.channels }, live);
  if (problem !== undefined) {
    loaded.model.dispose();
    throw new Error(`${loaded.source}: ${problem}`);
  }
  return loaded;
}

/** The served live model as a file, or undefined when the app serves none. */
export async function fetchServedModel(base: string, url = LIVE_MODEL_URL): Promise<File[] | undefined> {
  const response = await fetch(new URL(url, base));
  // A dev server may answer a missing file with its index.html.
  if (!response.ok || (response.headers.get('content-type') ?? '').startsWith('text/html')) return undefined;
  return [new File([await response.arrayBuffer()], `models/live/${url.split('/').pop()!}`)];
}
