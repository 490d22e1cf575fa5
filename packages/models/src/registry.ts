import type { Module } from '@skelnorm/nn';
import { CtrGcn, ctrgcnInfo, type CtrGcnOptions } from './ctrgcn.js';
import { Hcn, hcnInfo, type HcnOptions } from './hcn.js';
import { validateOptions, type ModelInfo } from './option-schema.js';
import { SeedCnn, seedCnnInfo, type SeedCnnOptions } from './seed-cnn.js';
import { StGcn, stgcnInfo, type StGcnOptions } from './stgcn.js';

/** Options of each registered model, by name. */
export interface ModelOptionsByName {
  'seed-cnn': SeedCnnOptions;
  hcn: HcnOptions;
  stgcn: StGcnOptions;
  ctrgcn: CtrGcnOptions;
}

export type ModelName = keyof ModelOptionsByName;

/**
 * What every model of the zoo is: a Module from a skeleton batch [N, M, T, V, C] to logits
 * [N, numClasses], that knows its registry name and its resolved options (so that a checkpoint
 * can record how to rebuild it).
 */
export interface SkeletonModel extends Module {
  readonly modelName: ModelName;
  readonly config: Readonly<Record<string, unknown>>;
}

interface Entry {
  info: ModelInfo;
  create: (options: Record<string, unknown>) => SkeletonModel;
}

// Explicit, in one place: no registration by import side effect.
const REGISTRY = new Map<string, Entry>([
  ['seed-cnn', { info: seedCnnInfo, create: (o) => new SeedCnn(o) }],
  ['hcn', { info: hcnInfo, create: (o) => new Hcn(o) }],
  ['stgcn', { info: stgcnInfo, create: (o) => new StGcn(o) }],
  ['ctrgcn', { info: ctrgcnInfo, create: (o) => new CtrGcn(o) }],
]);

/** The registered model names: `seed-cnn`, `hcn`, `stgcn`, `ctrgcn`. */
export function modelNames(): ModelName[] {
  return [...REGISTRY.keys()] as ModelName[];
}

/** Every model with its description and option schema (defaults included), for a CLI or a form. */
export function listModels(): ModelInfo[] {
  return [...REGISTRY.values()].map((e) => e.info);
}

/** One model's description and option schema; throws for an unknown name. */
export function modelInfo(name: string): ModelInfo {
  return entry(name).info;
}

/**
 * Builds a registered model. Options are checked against the model's schema first (unknown keys,
 * types, ranges, choices): one error lists every problem.
 *
 * @example
 * const model = createModel('seed-cnn', { norm: 'batch', personMode: 'folded', bnMomentum: 0.1 });
 * const logits = model.call(batch); // batch [N, 2, 64, 25, 3] -> [N, 60]
 */
export function createModel<N extends ModelName>(name: N, options?: ModelOptionsByName[N]): SkeletonModel;
export function createModel(name: string, options?: Readonly<Record<string, unknown>>): SkeletonModel;
export function createModel(name: string, options: Readonly<Record<string, unknown>> = {}): SkeletonModel {
  const e = entry(name);
  validateOptions(name, e.info.options, options);
  return e.create({ ...options });
}

function entry(name: string): Entry {
  const e = REGISTRY.get(name);
  if (!e) throw new Error(`Unknown model '${name}'; registered models: ${[...REGISTRY.keys()].join(', ')}`);
  return e;
}

/**
 * A new model built from `options` (default: `model`'s own) holding `model`'s weights and buffers:
 * a copy, or the same state in an architecture with the same state-dict layout. Throws the
 * state-dict error (missing, unexpected, mis-shaped keys) when the layouts differ.
 */
export function rebuildModel(model: SkeletonModel, options: Readonly<Record<string, unknown>> = model.config): SkeletonModel {
  const rebuilt = createModel(model.modelName, options);
  const state = model.stateDict();
  try {
    rebuilt.loadStateDict(state);
  } catch (error) {
    rebuilt.dispose();
    throw error;
  } finally {
    for (const t of Object.values(state)) t.dispose();
  }
  return rebuilt.train(model.training) as SkeletonModel;
}
