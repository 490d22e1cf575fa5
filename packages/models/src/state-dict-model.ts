import type { LayoutName } from '@skelnorm/data';
import { StateDictError, readSafetensors } from '@skelnorm/nn';
import { createModel, modelInfo, modelNames, type SkeletonModel } from './registry.js';
import { detectModelName, inferModelOptions, type InferredOptions } from './state-dict-inference.js';
import { loadTorchStateFile, modulePrefix } from './torch-checkpoint.js';

export interface ModelFromStateDictOptions {
  /** The registered model the state dict belongs to; default: detected from its keys. */
  readonly model?: string;
  /** Options that override what the shapes imply (e.g. `frames` where several fit). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Names the file in messages. Default `state dict`. */
  readonly source?: string;
  /** The input layout, where the shapes cannot tell (ntu25, ntu25-2d and ntu25-live have the same); default: by the joints V the shapes show. */
  readonly layout?: LayoutName;
}

export interface StateDictModel {
  readonly model: SkeletonModel;
  /** The model name and options that were inferred, with one note per option. */
  readonly inferred: InferredOptions & { readonly name: string; readonly detected: boolean };
}

/**
 * Builds a zoo model for a plain PyTorch state dict in safetensors (no skelnorm metadata: what
 * `safetensors.torch.save_file(model.state_dict(), path)` writes) and loads it strictly. The model
 * is named by `options.model` or recognised by its keys; its options are inferred from the shapes
 * (see `inferModelOptions`). If the file does not fit the model so built, the `StateDictError`
 * lists the missing, unexpected and mis-shaped keys, and says which options were inferred.
 */
export function modelFromStateDict(bytes: ArrayBuffer | Uint8Array, options: ModelFromStateDictOptions = {}): StateDictModel {
  const source = options.source ?? 'state dict';
  const file = readSafetensors(bytes, source);
  const names = Object.keys(file.tensors);
  const prefix = modulePrefix(names);
  const shapes = new Map(names.map((n) => [n.slice(prefix.length), file.tensors[n]!.shape] as const));
  const detected = detectModelName(shapes);
  const name = options.model ?? detected;
  if (name === undefined) {
    throw new Error(`${source}: not a state dict of a known model (none of the keys of ${modelNames().join(', ')}); its first keys: ${names.slice(0, 5).join(', ')}`);
  }
  if (!modelNames().includes(name as never)) throw new Error(`${source}: unknown model '${name}'; registered models: ${modelNames().join(', ')}`);
  if (detected !== undefined && detected !== name) {
    throw new Error(`${source}: this is a state dict of '${detected}' (its keys), not of '${name}'`);
  }
  const found = inferModelOptions(name, shapes, source, options.layout);
  const momentum = modelInfo(name).options.some((o) => o.name === 'bnMomentum') && options.options?.['bnMomentum'] === undefined;
  // The doctor reads momentum to judge the running statistics' lag: say that it was assumed.
  const inferred = momentum ? { ...found, notes: [...found.notes, 'bnMomentum 0.1 assumed (PyTorch\'s default; a state dict does not record it)'] } : found;
  const model = createModel(name, { ...inferred.options, ...options.options });
  try {
    loadTorchStateFile(model, file, { source });
  } catch (error) {
    model.dispose();
    if (error instanceof StateDictError) {
      throw new StateDictError(
        `${name} ${JSON.stringify({ ...inferred.options, ...options.options })} (inferred from ${source})`,
        error.missingKeys,
        error.unexpectedKeys,
        error.misShapedKeys,
      );
    }
    throw error;
  }
  return { model, inferred: { ...inferred, name, detected: options.model === undefined } };
}
