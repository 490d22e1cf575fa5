import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { layoutNames, type LayoutName } from '@skelnorm/data';
import { readSafetensors } from '@skelnorm/nn';
import { createModel, exportTorchCheckpoint, modelFromCheckpoint, modelFromStateDict, modelNames, type SkeletonModel } from '@skelnorm/models';
import { decodeCheckpoint, disposeCheckpoint, type TrainerState } from '@skelnorm/trainer';
import { FileCheckpointStore } from '@skelnorm/trainer/node';
import { UsageError } from '../command.js';
import { writeFileAtomic } from '../run/run-folder.js';
import type { TrainConfig } from './train-config.js';

/** Metadata key under which the CLI stores the run configuration in a plain weights file. */
const RUN_CONFIG_KEY = 'skelnorm.run';

export interface LoadedModel {
  readonly model: SkeletonModel;
  /** The run configuration (model options included), when the file records it. */
  readonly config: TrainConfig | undefined;
  /** Trainer state, for trainer checkpoints. */
  readonly state: TrainerState | undefined;
  /** The file that was read. */
  readonly path: string;
  /** Newer checkpoints of a run folder that did not read back and were passed over, one line each. */
  readonly notes: readonly string[];
  /**
   * For a plain PyTorch state dict (no skelnorm metadata): what was inferred from its keys and
   * shapes, one line each. What is written back for it keeps its names (PyTorch's `load_file`
   * ignores the skelnorm metadata that comes with them).
   */
  readonly inferred?: readonly string[];
}

/** `--model` of the commands that read a model file: only needed for a state dict whose keys match no model. */
export const MODEL_FILE_FLAG = {
  type: 'string',
  description: 'the model of a plain PyTorch state dict (default: recognised from its keys): ' + modelNames().join(', '),
  placeholder: 'NAME',
} as const;

/** `--layout` where a command takes a model file: a hint for a plain state dict, a check for a checkpoint. */
export const MODEL_LAYOUT_FLAG = {
  type: 'choice',
  choices: layoutNames,
  description: "the input layout of a plain PyTorch state dict where its shapes cannot tell (ntu25, ntu25-2d and ntu25-live have the same; default: by the joints its shapes show); a checkpoint's recorded layout must match",
} as const;

export interface LoadModelFileOptions {
  /** The model of a plain PyTorch state dict (`--model`); default: recognised from its keys. */
  readonly model?: string;
  /** The input layout (`--layout`): decides a plain state dict's where its shapes cannot; must match a checkpoint's. */
  readonly layout?: LayoutName;
}

/** `--model` and `--layout` of a command that reads a model file, as {@link loadModelFile}'s options. */
export function modelFileOptions(flags: { readonly model?: string | undefined; readonly layout?: LayoutName | undefined }): LoadModelFileOptions {
  return { ...(flags.model !== undefined && { model: flags.model }), ...(flags.layout !== undefined && { layout: flags.layout }) };
}

/**
 * Resolves a checkpoint argument: a `.safetensors` file, a run folder (its latest checkpoint)
 * or a checkpoints folder.
 */
export async function resolveCheckpointPath(arg: string): Promise<string> {
  return (await resolveCheckpoint(arg)).path;
}

/**
 * `resolveCheckpointPath` with the newer checkpoints it passed over (torn or foreign files), named,
 * and, for a run folder, the bytes the scan already read (so the file is not read twice).
 */
export async function resolveCheckpoint(arg: string): Promise<{ path: string; notes: string[]; bytes?: Uint8Array }> {
  let info;
  try {
    info = await stat(arg);
  } catch {
    throw new UsageError(`no such file or folder: ${arg}`);
  }
  if (info.isFile()) return { path: arg, notes: [] };
  for (const dir of [join(arg, 'checkpoints'), arg]) {
    const scan = await new FileCheckpointStore(dir).scan();
    if (scan.count === 0) continue;
    if (!scan.latest) {
      throw new UsageError(`${arg}: none of the ${scan.count} checkpoints in ${dir} reads back (${scan.skipped.map((s) => `${s.location}: ${s.reason}`).join('; ')})`);
    }
    const latest = scan.latest.location;
    return {
      path: latest,
      notes: scan.skipped.map((s) => `note: skipped ${s.location} (${s.reason}); using the checkpoint before it, ${latest}`),
      bytes: scan.latest.safetensors,
    };
  }
  throw new UsageError(`${arg}: no checkpoint found (expected a .safetensors file or a run folder with checkpoints/)`);
}

/**
 * Loads a model from a trainer checkpoint (weights + optimizer + the run's config) or from a
 * plain weights file written by `saveModelFile` / `exportTorchCheckpoint` (zoo metadata).
 */
export async function loadModelFile(arg: string, options: LoadModelFileOptions = {}): Promise<LoadedModel> {
  const loaded = await loadModelFileAnyLayout(arg, options);
  const layout = typeof loaded.model.config['layout'] === 'string' ? loaded.model.config['layout'] : 'ntu25';
  if (options.layout !== undefined && options.layout !== layout) {
    loaded.model.dispose();
    throw new UsageError(`${loaded.path}: its model takes layout ${layout}; --layout ${options.layout} does not fit it`);
  }
  return loaded;
}

async function loadModelFileAnyLayout(arg: string, options: LoadModelFileOptions): Promise<LoadedModel> {
  const resolved = await resolveCheckpoint(arg);
  const { path, notes } = resolved;
  const bytes = resolved.bytes ?? new Uint8Array(await readFile(path));
  const { metadata } = readSafetensors(bytes, path);
  const recorded = metadata['skelnorm.trainer'] !== undefined ? 'trainer' : metadata['model'];
  if (options.model !== undefined && recorded !== undefined && recorded !== 'trainer' && recorded !== options.model) {
    throw new UsageError(`${path} holds a '${recorded}' model (its metadata); --model ${options.model} does not fit it`);
  }
  if (recorded === undefined) {
    const { model, inferred } = modelFromStateDict(bytes, { source: path, ...(options.model !== undefined && { model: options.model }), ...(options.layout !== undefined && { layout: options.layout }) });
    const how = inferred.detected ? `recognised as ${inferred.name} by its keys` : `--model ${inferred.name}`;
    return { model, config: undefined, state: undefined, path, notes, inferred: [`a plain PyTorch state dict (${how}); inferred from its shapes:`, ...inferred.notes.map((n) => `  ${n}`)] };
  }
  if (metadata['skelnorm.trainer'] !== undefined) {
    const checkpoint = decodeCheckpoint(bytes, path);
    try {
      const config = checkpoint.state.config as TrainConfig | undefined;
      if (!config?.model) throw new Error(`${path}: the checkpoint records no run configuration; cannot rebuild its model`);
      const model = createModel(config.model, config.modelOptions);
      try {
        model.loadStateDict(checkpoint.model, { layout: 'pytorch' });
      } catch (error) {
        model.dispose();
        throw error;
      }
      return { model, config, state: checkpoint.state, path, notes };
    } finally {
      disposeCheckpoint(checkpoint);
    }
  }
  const model = modelFromCheckpoint(bytes, path);
  const raw = metadata[RUN_CONFIG_KEY];
  const config = raw ? (JSON.parse(raw) as TrainConfig) : undefined;
  return { model, config, state: undefined, path, notes };
}

/**
 * Starts `model` from the weights and buffers in `path` (`train --init`): any file `loadModelFile`
 * reads, whose model has the same architecture.
 */
export async function loadInitialWeights(model: SkeletonModel, path: string): Promise<void> {
  const loaded = await loadModelFile(path, { model: model.modelName });
  const state = loaded.model.stateDict();
  try {
    model.loadStateDict(state);
  } catch (error) {
    const classes = loaded.model.config.numClasses;
    const hint = classes !== model.config.numClasses ? ` (its model has ${String(classes)} classes, the data ${String(model.config.numClasses)})` : '';
    throw new UsageError(`--init ${path} does not fit the model to train${hint}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    for (const t of Object.values(state)) t.dispose();
    loaded.model.dispose();
  }
}

/**
 * Writes a model's weights and buffers as safetensors in PyTorch names and layout, with the zoo
 * metadata (`model`, `config` = `modelOptions`) and the run configuration, atomically.
 */
export async function saveModelFile(path: string, model: SkeletonModel, modelOptions: Record<string, unknown>, config: TrainConfig | undefined): Promise<void> {
  const metadata: Record<string, string> = { config: JSON.stringify(modelOptions) };
  if (config) metadata[RUN_CONFIG_KEY] = JSON.stringify({ ...config, modelOptions });
  await writeFileAtomic(path, await exportTorchCheckpoint(model, metadata));
}
