import { createModel, loadTorchCheckpoint, modelInfo, type SkeletonModel } from '@skelnorm/models';
import { readSafetensors } from '@skelnorm/nn';
import { loadCheckpointWeights } from '@skelnorm/trainer';
import { describeAction, syntheticClasses } from '@skelnorm/data';
import { syntheticClassOfAction } from '../training/synthetic-data.js';

/**
 * The part of `skelnorm train`'s run configuration (`config.json`, and `config` inside every
 * trainer checkpoint) that rebuilding the model needs. Only read, never trusted blindly: every
 * field is checked before use.
 */
interface RunConfigLike {
  readonly model: string;
  readonly modelOptions?: Readonly<Record<string, unknown>>;
  readonly frames?: number;
  /** Joint layout of the training data (`skelnorm train --layout`); absent in older runs (ntu25). */
  readonly layout?: string;
  readonly split?: string;
  readonly data?: { readonly kind?: string; readonly classes?: number };
}

/** A model rebuilt from checkpoint files, with what inference must feed it. */
export interface LoadedCheckpoint {
  readonly model: SkeletonModel;
  /** File names it came from. */
  readonly source: string;
  /** One line for the page: model, options that matter, training progress. */
  readonly description: string;
  /** T and M of the input the model expects. */
  readonly frames: number;
  readonly persons: number;
  readonly numClasses: number;
  /** The input layout the model was built for (its `layout` option, else the run's), if recorded. */
  readonly layout: string | undefined;
  /** Name of an output class. */
  readonly className: (index: number) => string;
  /** The model's class index of an NTU action number (1-120), when it has one. */
  readonly classOfAction: (action: number) => number | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON object from metadata text; undefined when absent or not an object. */
function parseJsonRecord(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function asRunConfig(value: unknown): RunConfigLike | undefined {
  if (!isRecord(value)) return undefined;
  // A trainer checkpoint's JSON companion holds the run configuration under `config`.
  if (typeof value['format'] === 'string' && isRecord(value['config'])) return asRunConfig(value['config']);
  return typeof value['model'] === 'string' ? (value as unknown as RunConfigLike) : undefined;
}

/**
 * Classes the checkpoint was trained for when its options do not say: the synthetic set's class
 * count, else NTU-120 for the 120-class splits, else NTU-60.
 */
function numClassesOf(config: RunConfigLike): number {
  const fromOptions = config.modelOptions?.['numClasses'];
  if (typeof fromOptions === 'number') return fromOptions;
  if (config.data?.kind === 'synthetic' && typeof config.data.classes === 'number') return config.data.classes;
  return /120|xset/.test(config.split ?? '') ? 120 : 60;
}

/**
 * Output class names: a model trained on the synthetic set predicts that set's labels (a subset of
 * NTU's actions, renumbered from 0); any other predicts NTU's 0-based labels.
 */
function classNamesOf(data: RunConfigLike['data'] | undefined): (index: number) => string {
  if (data?.kind === 'synthetic' && typeof data.classes === 'number') {
    try {
      const names = syntheticClasses(data.classes).map((c) => describeAction(c.action - 1));
      return (index) => names[index] ?? `class ${index}`;
    } catch {
      // More classes than the generator has: fall back to the raw label.
      return (index) => `synthetic class ${index}`;
    }
  }
  return describeAction;
}

function classOfActionFor(data: RunConfigLike['data'] | undefined): (action: number) => number | undefined {
  if (data?.kind === 'synthetic' && typeof data.classes === 'number') {
    try {
      return syntheticClassOfAction(data.classes);
    } catch {
      return () => undefined;
    }
  }
  return (action) => action - 1;
}

/** Builds the model a run configuration describes (only options the model's schema knows). */
function modelFromRunConfig(config: RunConfigLike): SkeletonModel {
  const known = new Set(modelInfo(config.model).options.map((o) => o.name));
  const options: Record<string, unknown> = { ...(config.modelOptions ?? {}) };
  if (known.has('frames') && typeof config.frames === 'number' && options['frames'] === undefined) options['frames'] = config.frames;
  if (known.has('layout') && typeof config.layout === 'string' && options['layout'] === undefined) options['layout'] = config.layout;
  if (known.has('numClasses') && options['numClasses'] === undefined) options['numClasses'] = numClassesOf(config);
  return createModel(config.model, options);
}

function inputShapeOf(model: SkeletonModel): { frames: number; persons: number; numClasses: number } {
  const c = model.config;
  const num = (key: string, fallback: number) => (typeof c[key] === 'number' ? (c[key] as number) : fallback);
  return { frames: num('frames', 64), persons: num('persons', 2), numClasses: num('numClasses', 60) };
}

function summarizeOptions(model: SkeletonModel): string {
  const c = model.config;
  const keys = ['norm', 'personMode', 'bnMomentum', 'frames', 'numClasses'].filter((k) => k in c);
  return keys.map((k) => `${k} ${JSON.stringify(c[k])}`).join(', ');
}

/**
 * Rebuilds a model from the files a user picked:
 * - a trainer checkpoint (`checkpoints/epoch-*.safetensors` of `skelnorm train`): weights under
 *   `model.`, the model's name and options in the metadata (`model`, `config`), the run
 *   configuration in the trainer state; older ones without `model` need the run's `config.json`
 *   or the checkpoint's companion `.json`;
 * - a zoo export (`exportTorchCheckpoint`, metadata `model` + `config`): needs nothing else;
 * - plain PyTorch-layout weights plus a run `config.json`.
 *
 * @throws Error that says which file is missing or what did not fit.
 */
export async function loadCheckpointFiles(files: readonly File[]): Promise<LoadedCheckpoint> {
  const weights = files.find((f) => f.name.endsWith('.safetensors'));
  const json = files.find((f) => f.name.endsWith('.json'));
  if (weights === undefined) throw new Error('pick the checkpoint\'s .safetensors file (and its .json or the run\'s config.json)');
  const bytes = new Uint8Array(await weights.arrayBuffer());
  const source = [weights.name, json?.name].filter(Boolean).join(' + ');
  const { metadata } = readSafetensors(bytes, weights.name);

  let jsonConfig: RunConfigLike | undefined;
  if (json !== undefined) {
    try {
      jsonConfig = asRunConfig(JSON.parse(await json.text()));
    } catch (error) {
      throw new Error(`${json.name}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (jsonConfig === undefined) throw new Error(`${json.name}: holds no run configuration (no "model" field, nor a trainer state with "config")`);
  }

  const trainerState = parseJsonRecord(metadata['skelnorm.trainer']);
  const runConfig = jsonConfig ?? asRunConfig(trainerState?.['config']);
  // Zoo exports and trainer checkpoints both record the model's name and resolved options.
  const zooOptions = metadata['model'] === undefined ? undefined : parseJsonRecord(metadata['config'] ?? '{}');
  let model: SkeletonModel;
  if (metadata['model'] !== undefined && zooOptions !== undefined) model = createModel(metadata['model'], zooOptions);
  else if (runConfig !== undefined) model = modelFromRunConfig(runConfig);
  else throw new Error(`${weights.name}: its metadata does not say which model it holds; pick the run's config.json (or the checkpoint's .json) too`);

  let progress = '';
  try {
    if (trainerState !== undefined) {
      const state = loadCheckpointWeights(model, bytes, weights.name);
      progress = `, trained ${state.globalStep} steps (epoch ${state.epoch} of ${state.epochs})`;
    } else {
      loadTorchCheckpoint(model, bytes, { source: weights.name });
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  const data = runConfig?.data ?? (parseJsonRecord(metadata['data']) as RunConfigLike['data'] | undefined);
  model.eval();
  const shape = inputShapeOf(model);
  const layout = typeof model.config['layout'] === 'string' ? model.config['layout'] : runConfig?.layout;
  return {
    layout,
    model,
    source,
    description: `${model.modelName} (${summarizeOptions(model)})${progress}`,
    className: classNamesOf(data),
    classOfAction: classOfActionFor(data),
    ...shape,
  };
}
