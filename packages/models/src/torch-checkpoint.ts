import * as tf from '@tensorflow/tfjs-core';
import {
  StateDictError,
  readSafetensors,
  checkStateValues,
  safetensorsToTensors,
  tensorsToSafetensors,
  type LoadStateDictResult,
  type Module,
  type SafetensorsFile,
} from '@skelnorm/nn';
import { createModel, type SkeletonModel } from './registry.js';

export interface LoadTorchCheckpointOptions {
  /** Fail on missing or unexpected keys (PyTorch's `strict=True`). Default true; shapes always must fit. */
  strict?: boolean;
  /**
   * Only tensors whose names start with this are loaded, with it removed (e.g. `initial.` in the
   * golden files). Default: '' — except that a file whose every key starts with `module.`
   * (saved from `nn.DataParallel`) has that prefix removed.
   */
  prefix?: string;
  /** Names the file in errors. Default `checkpoint`. */
  source?: string;
}

/**
 * Loads a PyTorch state dict saved as safetensors (`safetensors.torch.save_file(model.state_dict(),
 * path)`) into `model`: PyTorch layouts are converted (conv weight (out, in, kh, kw) -> [kh, kw, in,
 * out], linear (out, in) -> [in, out]), int64 `num_batches_tracked` read as int32. Nothing is
 * assigned unless every key fits; otherwise a `StateDictError` lists the missing, unexpected and
 * mis-shaped keys, its message prefixed with the source.
 * Returns the file's `__metadata__` and the missing/unexpected keys (non-strict loads).
 */
export function loadTorchCheckpoint(
  model: Module,
  bytes: ArrayBuffer | Uint8Array,
  options: LoadTorchCheckpointOptions = {},
): LoadStateDictResult & { metadata: Record<string, string> } {
  return loadTorchStateFile(model, readSafetensors(bytes, options.source ?? 'checkpoint'), options);
}

/** The prefix a state dict saved from `nn.DataParallel` has on every key (`module.`), or ''. */
export function modulePrefix(names: readonly string[]): string {
  return names.length > 0 && names.every((n) => n.startsWith('module.')) ? 'module.' : '';
}

/** `loadTorchCheckpoint` for a file already decoded (so a caller that read its shapes decodes it once). */
export function loadTorchStateFile(
  model: Module,
  file: SafetensorsFile,
  options: LoadTorchCheckpointOptions = {},
): LoadStateDictResult & { metadata: Record<string, string> } {
  const source = options.source ?? 'checkpoint';
  checkStateValues(file, source);
  const prefix = options.prefix ?? modulePrefix(Object.keys(file.tensors));
  const dict = safetensorsToTensors(file, prefix);
  try {
    const result = model.loadStateDict(dict, { layout: 'pytorch', strict: options.strict ?? true });
    return { ...result, metadata: file.metadata };
  } catch (error) {
    if (error instanceof StateDictError) {
      const named = new StateDictError(`${model.constructor.name} from ${source}`, error.missingKeys, error.unexpectedKeys, error.misShapedKeys);
      throw named;
    }
    throw error;
  } finally {
    tf.dispose(dict);
  }
}

/**
 * The model's state dict in PyTorch layout and names as safetensors bytes, loadable with
 * `model.load_state_dict(safetensors.torch.load_file(path))` into the equivalent PyTorch module.
 * A model of the zoo also records `model` (registry name) and `config` (JSON of its options) in the
 * metadata, so that `modelFromCheckpoint` can rebuild it.
 */
export async function exportTorchCheckpoint(model: Module, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  const dict = model.stateDict({ layout: 'pytorch' });
  try {
    const zoo: Record<string, string> = isSkeletonModel(model) ? { model: model.modelName, config: JSON.stringify(model.config) } : {};
    return await tensorsToSafetensors(dict, { ...zoo, ...metadata });
  } finally {
    tf.dispose(dict);
  }
}

/**
 * Rebuilds a zoo model from a checkpoint written by `exportTorchCheckpoint` (its `model` and
 * `config` metadata) and loads its weights and buffers.
 */
export function modelFromCheckpoint(bytes: ArrayBuffer | Uint8Array, source = 'checkpoint'): SkeletonModel {
  const { metadata } = readSafetensors(bytes, source);
  const name = metadata['model'];
  if (!name) throw new Error(`${source}: no 'model' in the safetensors metadata; build the model yourself and use loadTorchCheckpoint`);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(metadata['config'] ?? '{}') as Record<string, unknown>;
  } catch {
    throw new Error(`${source}: metadata 'config' is not valid JSON`);
  }
  const model = createModel(name, config);
  try {
    loadTorchCheckpoint(model, bytes, { source });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

function isSkeletonModel(model: Module): model is SkeletonModel {
  const m = model as Module & { modelName?: unknown; config?: unknown };
  return typeof m.modelName === 'string' && typeof m.config === 'object' && m.config !== null;
}
