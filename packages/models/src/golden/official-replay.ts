/**
 * Test support: replays a golden file made by an official PyTorch implementation
 * (`../shared/golden/*_official.safetensors`, schema in that folder's README.md) against the model
 * of this package that claims to be that implementation.
 *
 * Loads `initial.*` (every weight and buffer, official names) with `loadTorchStateFile`, runs
 * `steps.K.input` in the modes of `__metadata__.modes`, and compares
 * - `steps.K.output` and the buffers `final.*` elementwise (1e-4 relative, 1e-5 absolute);
 * - in step 0, the gradient of `sum(output * steps.0.gradOutput)` with respect to every parameter
 *   with `grad.<name>`, per tensor, in PyTorch layout: relative L2 error at most 3e-2; a tensor
 *   whose exact gradient is zero (its reference below 1e-5 of the file's largest gradient norm,
 *   e.g. a conv bias right before a train-mode BatchNorm) must stay below that bound.
 * Bytes in, a report out: no file system, so it runs wherever the models run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensors, safetensorsToTensors, skeletonBatchFromTorch, type RawTensor, type SafetensorsFile } from '@skelnorm/nn';
import { createModel, type SkeletonModel } from '../registry.js';
import { loadTorchStateFile } from '../torch-checkpoint.js';

/** Tolerances of the golden README, measured there by replaying the files in float64. */
export const OFFICIAL_TOLERANCE = Object.freeze({ rtol: 1e-4, atol: 1e-5, gradRelL2: 3e-2, zeroGradFraction: 1e-5 });

/** Builds our model from the official constructor arguments (`__metadata__.config`). */
export type OfficialModelBuilder = (config: OfficialConfig) => SkeletonModel;

/** The official constructor arguments, with typed readers whose errors name the file and the key. */
export interface OfficialConfig {
  readonly source: string;
  readonly raw: Readonly<Record<string, unknown>>;
  /** `raw[key]`, a number; dotted keys reach into nested objects (`graph_args.layout`). */
  number(key: string): number;
  boolean(key: string): boolean;
  /** Fails unless `raw[key]` equals `value`. */
  expect(key: string, value: unknown): void;
}

/** One official model: the arguments our model supports only at one value, and our options from the rest. */
export interface OfficialModelEntry {
  readonly requires: Readonly<Record<string, unknown>>;
  readonly options: (config: OfficialConfig) => Record<string, unknown>;
}

/**
 * `__metadata__.model` (also the registry name) -> how `createModel` builds it from the official
 * constructor arguments. Dropout is 0 where the config has none: the golden files were made with
 * every dropout probability set to 0 (README).
 */
export const OFFICIAL_MODELS: Readonly<Record<string, OfficialModelEntry>> = {
  stgcn: {
    requires: { 'graph_args.layout': 'ntu-rgb+d', 'graph_args.strategy': 'spatial' },
    options: (c) => ({
      width: 'paper', norm: 'batch', dataNorm: 'VC', bnMomentum: 0.1, inChannels: c.number('in_channels'),
      numClasses: c.number('num_class'), edgeImportance: c.boolean('edge_importance_weighting'), dropout: c.number('dropout'),
    }),
  },
  hcn: {
    requires: { in_channel: 3 },
    options: (c) => ({
      numClasses: c.number('num_class'), joints: c.number('num_joint'), persons: c.number('num_person'),
      channels: c.number('out_channel'), frames: c.number('window_size'), dropout: 0,
    }),
  },
  ctrgcn: {
    requires: { graph: 'graph.ntu_rgb_d.Graph', 'graph_args.labeling_mode': 'spatial', num_point: 25 },
    options: (c) => ({
      numClasses: c.number('num_class'), persons: c.number('num_person'), inChannels: c.number('in_channels'),
      adaptive: c.boolean('adaptive'), dropout: c.number('drop_out'),
    }),
  },
};

/** Our model for an official file's `__metadata__.model` and constructor arguments. */
export function buildOfficialModel(name: string, config: OfficialConfig): SkeletonModel {
  const entry = Object.hasOwn(OFFICIAL_MODELS, name) ? OFFICIAL_MODELS[name] : undefined;
  if (!entry) {
    throw new Error(`${config.source}: no model for __metadata__.model '${name}' (known: ${Object.keys(OFFICIAL_MODELS).join(', ')}); add it to OFFICIAL_MODELS`);
  }
  for (const [key, value] of Object.entries(entry.requires)) config.expect(key, value);
  return createModel(name, entry.options(config));
}

const EXACT_ZERO = 'exact gradient 0';

export type ReplayCheckKind = 'output' | 'buffer' | 'gradient' | 'structure';

/** One compared tensor. `ratio` is the error over its tolerance: at most 1 passes. */
export interface ReplayCheck {
  /** The file's name for it: `steps.1.output`, `final.data_bn.running_var`, `grad.fcn.weight`. */
  readonly tensor: string;
  readonly kind: ReplayCheckKind;
  readonly ratio: number;
  /** What was measured, e.g. `max |a-b|/(atol+rtol|b|) = 0.31 at 117: 0.5203 vs 0.5204`. */
  readonly detail: string;
}

export interface OfficialReplayReport {
  readonly source: string;
  readonly model: string;
  readonly checks: readonly ReplayCheck[];
  /** False when the replay ran without gradients (`ReplayOptions.gradients`). */
  readonly gradientsCompared: boolean;
  /** The check with the largest ratio. */
  readonly worst: ReplayCheck;
  readonly failures: readonly ReplayCheck[];
}

export interface ReplayOptions {
  /** Builds the model instead of {@link OFFICIAL_MODELS} (which must then know `__metadata__.model`). */
  build?: OfficialModelBuilder;
  /**
   * Compare the step-0 gradients (`grad.*`). Default true. Off, step 0 runs forward only: outputs and
   * buffers are the same either way, since the replay never changes a weight.
   */
  gradients?: boolean;
}

/** Replays `bytes` (a `*_official.safetensors` file; `source` names it in messages). */
export function replayOfficialGolden(bytes: Uint8Array, source: string, options: ReplayOptions = {}): OfficialReplayReport {
  const file = readSafetensors(bytes, source);
  const name = file.metadata['model'] ?? '';
  const config = officialConfig(source, parseJson(source, file.metadata['config'], 'config'));
  const modes = parseJson(source, file.metadata['modes'], 'modes');
  if (!Array.isArray(modes) || !modes.every((m) => m === 'train' || m === 'eval')) {
    throw new Error(`${source}: __metadata__.modes must be a JSON list of 'train' / 'eval', got ${file.metadata['modes']}`);
  }
  const model = options.build ? options.build(config) : buildOfficialModel(name, config);
  try {
    const gradients = options.gradients ?? true;
    const checks = replay(model, file, source, modes as ('train' | 'eval')[], gradients);
    return { source, model: name, gradientsCompared: gradients, ...summarize(checks) };
  } finally {
    model.dispose();
  }
}

/** Throws unless every check passed; the message names the worst tensor and lists the failures. */
export function assertOfficialReplay(report: OfficialReplayReport): void {
  if (report.failures.length === 0) return;
  const lines = [...report.failures].sort((a, b) => b.ratio - a.ratio).slice(0, 10).map(formatCheck);
  throw new Error(`${report.source} (${report.model}): ${report.failures.length} of ${report.checks.length} tensors out of tolerance; worst ${report.worst.tensor}\n  ${lines.join('\n  ')}`);
}

/** One line per kind: how many tensors, the worst one and its ratio to the tolerance. */
export function formatReplayReport(report: OfficialReplayReport): string {
  const kinds: ReplayCheckKind[] = ['output', 'buffer', 'gradient', 'structure'];
  const lines = kinds.flatMap((kind) => {
    const checks = report.checks.filter((c) => c.kind === kind);
    if (checks.length === 0) return [];
    const worst = checks.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const zero = checks.filter((c) => c.detail.startsWith(EXACT_ZERO)).length;
    return [`${kind}: ${checks.length} tensors${zero > 0 ? ` (${zero} with exact gradient 0)` : ''}, worst ${formatCheck(worst)}`];
  });
  if (!report.gradientsCompared) lines.push('gradient: not compared in this replay');
  return `${report.source} (${report.model}): ${report.failures.length === 0 ? 'pass' : `${report.failures.length} FAIL`}\n  ${lines.join('\n  ')}`;
}

function formatCheck(c: ReplayCheck): string {
  return `${c.tensor} ratio ${c.ratio.toPrecision(3)} (${c.detail})`;
}

function summarize(checks: ReplayCheck[]): Pick<OfficialReplayReport, 'checks' | 'worst' | 'failures'> {
  if (checks.length === 0) throw new Error('replay compared nothing');
  const worst = checks.reduce((a, b) => (!(b.ratio <= a.ratio) ? b : a));
  return { checks, worst, failures: checks.filter((c) => !(c.ratio <= 1)) };
}

function replay(
  model: SkeletonModel,
  file: SafetensorsFile,
  source: string,
  modes: readonly ('train' | 'eval')[],
  gradients: boolean,
): ReplayCheck[] {
  const checks: ReplayCheck[] = [];
  // strict: every initial.* tensor has a home in the model and every model tensor comes from the file.
  loadTorchStateFile(model, file, { prefix: 'initial.', strict: true, source });
  const params = model.namedParameters();
  let ourGrads: Record<string, tf.Tensor> | undefined;
  modes.forEach((mode, k) => {
    model.train(mode === 'train');
    const input = tensorOf(file, source, `steps.${k}.input`);
    const expected = rawOf(file, source, `steps.${k}.output`);
    const gradOutput = k === 0 && gradients ? file.tensors['steps.0.gradOutput'] : undefined;
    let output: tf.Tensor;
    if (gradOutput) {
      const upstream = tf.tensor(gradOutput.data, gradOutput.shape);
      let kept: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const y = model.call(skeletonBatchFromTorch(input));
        kept = tf.keep(y);
        return tf.sum(tf.mul(y, upstream)) as tf.Scalar;
      }, params.map(([, v]) => v));
      output = kept!;
      ourGrads = Object.fromEntries(params.flatMap(([n, v]) => (grads[v.name] ? [[n, grads[v.name]!]] : [])));
      tf.dispose([value, upstream]);
    } else {
      output = tf.tidy(() => model.call(skeletonBatchFromTorch(input)));
    }
    checks.push(elementwise(`steps.${k}.output`, 'output', output.shape, output.dataSync(), expected));
    tf.dispose([input, output]);
  });
  checks.push(...compareBuffers(model, file));
  if (ourGrads) checks.push(...compareGradients(model, file, ourGrads));
  else if (gradients && Object.keys(file.tensors).some((n) => n.startsWith('grad.'))) {
    checks.push({ tensor: 'steps.0.gradOutput', kind: 'structure', ratio: Infinity, detail: 'grad.* given without steps.0.gradOutput' });
  }
  return checks;
}

function compareBuffers(model: SkeletonModel, file: SafetensorsFile): ReplayCheck[] {
  const ours = model.stateDict({ layout: 'pytorch' });
  try {
    const finals = Object.keys(file.tensors).filter((n) => n.startsWith('final.'));
    return finals.map((key) => {
      const name = key.slice('final.'.length);
      const got = ours[name];
      if (!got) return { tensor: key, kind: 'structure', ratio: Infinity, detail: `the model has no '${name}'` };
      return elementwise(key, 'buffer', got.shape, got.dataSync(), file.tensors[key]!);
    });
  } finally {
    tf.dispose(ours);
  }
}

/**
 * Our gradients go to PyTorch layout through the model's own state-dict conversion: loaded as
 * native values (the replay is over, the weights are no longer needed), read back as PyTorch's.
 */
function compareGradients(model: SkeletonModel, file: SafetensorsFile, ourGrads: Record<string, tf.Tensor>): ReplayCheck[] {
  const checks: ReplayCheck[] = [];
  const refs = Object.keys(file.tensors).filter((n) => n.startsWith('grad.')).map((key) => [key, key.slice('grad.'.length), file.tensors[key]!] as const);
  const refNames = new Set(refs.map(([, name]) => name));
  for (const [name] of model.namedParameters()) {
    if (!refNames.has(name)) checks.push({ tensor: `grad.${name}`, kind: 'structure', ratio: Infinity, detail: 'the file has no gradient for this parameter' });
  }
  model.loadStateDict(ourGrads, { strict: false });
  tf.dispose(Object.values(ourGrads));
  const ours = model.stateDict({ layout: 'pytorch' });
  try {
    const maxNorm = Math.max(...refs.map(([, , raw]) => l2(raw.data)));
    const zeroBound = OFFICIAL_TOLERANCE.zeroGradFraction * maxNorm;
    for (const [key, name, raw] of refs) {
      const got = ours[name];
      if (!got || !(name in ourGrads)) {
        checks.push({ tensor: key, kind: 'structure', ratio: Infinity, detail: `no gradient for '${name}' in the model` });
        continue;
      }
      if (!sameShape(got.shape, raw.shape)) {
        checks.push({ tensor: key, kind: 'structure', ratio: Infinity, detail: `shape [${got.shape}], expected [${raw.shape}]` });
        continue;
      }
      const g = got.dataSync();
      const refNorm = l2(raw.data);
      if (refNorm < zeroBound) {
        const norm = l2(g);
        checks.push({ tensor: key, kind: 'gradient', ratio: norm / zeroBound, detail: `${EXACT_ZERO}: |g| = ${norm.toPrecision(3)}, bound ${zeroBound.toPrecision(3)}` });
        continue;
      }
      const error = l2(g, raw.data) / refNorm;
      checks.push({ tensor: key, kind: 'gradient', ratio: error / OFFICIAL_TOLERANCE.gradRelL2, detail: `|g - ref| / |ref| = ${error.toPrecision(3)}` });
    }
  } finally {
    tf.dispose(ours);
  }
  return checks;
}

/** numpy's allclose rule; the detail names the worst element. NaN counts as Infinity. */
function elementwise(tensor: string, kind: ReplayCheckKind, shape: readonly number[], actual: ArrayLike<number>, expected: RawTensor): ReplayCheck {
  if (!sameShape(shape, expected.shape)) return { tensor, kind: 'structure', ratio: Infinity, detail: `shape [${shape}], expected [${expected.shape}]` };
  const { rtol, atol } = OFFICIAL_TOLERANCE;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const e = expected.data[i]!;
    const r = Math.abs(actual[i]! - e) / (atol + rtol * Math.abs(e));
    const ratio = Number.isNaN(r) ? Infinity : r;
    if (ratio > worst || at < 0) [worst, at] = [ratio, i];
  }
  const detail = at < 0 ? 'empty' : `max |a-b|/(${atol}+${rtol}|b|) at ${at}: ${actual[at]} vs ${expected.data[at]}`;
  return { tensor, kind, ratio: worst, detail };
}

function l2(a: ArrayLike<number>, b?: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - (b ? b[i]! : 0);
    sum += d * d;
  }
  return Math.sqrt(sum);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function rawOf(file: SafetensorsFile, source: string, name: string): RawTensor {
  const raw = file.tensors[name];
  if (!raw) throw new Error(`${source}: tensor '${name}' missing`);
  return raw;
}

function tensorOf(file: SafetensorsFile, source: string, name: string): tf.Tensor {
  const raw = rawOf(file, source, name);
  return safetensorsToTensors({ tensors: { [name]: raw }, metadata: {} })[name]!;
}

function parseJson(source: string, text: string | undefined, key: string): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    throw new Error(`${source}: __metadata__.${key} is not valid JSON: ${text}`);
  }
}

function officialConfig(source: string, raw: unknown): OfficialConfig {
  if (typeof raw !== 'object' || raw === null) throw new Error(`${source}: __metadata__.config must be a JSON object`);
  const obj = raw as Record<string, unknown>;
  const get = (key: string): unknown => key.split('.').reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined), obj);
  const typed = <T>(key: string, type: string): T => {
    const value = get(key);
    if (typeof value !== type) throw new Error(`${source}: config '${key}' must be a ${type}, got ${JSON.stringify(value)}`);
    return value as T;
  };
  return {
    source,
    raw: obj,
    number: (key) => typed<number>(key, 'number'),
    boolean: (key) => typed<boolean>(key, 'boolean'),
    expect: (key, value) => {
      if (get(key) !== value) throw new Error(`${source}: config '${key}' is ${JSON.stringify(get(key))}; this model supports only ${JSON.stringify(value)}`);
    },
  };
}
