import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '@skelnorm/nn';
import { BatchNormBase } from './batch-norm-base.js';
import { buildDiagnosis, type DiagnoseOptions, type DiagnosisReport, type LayerDiagnosis } from './diagnose.js';
import { toSlotBatchNorm } from './slot-batch-norm.js';
import { atLayer, observeBatchNorms, writeRunningStatistics, writeStatistics, type LayerObservation, type NormBatch } from './statistics-pass.js';

/** What a model scores on held-out data in eval mode; higher accuracy, then lower loss, is better. */
export interface RepairScore {
  readonly accuracy: number;
  readonly loss: number;
}

/**
 * Scores `model` on data held out from the statistics pass, in eval mode, or with each batch's own
 * statistics when `batchStatistics` (the reference that needs no running statistics). The model is
 * left in the mode it was given.
 */
export type RepairValidator = (model: Module, options: { readonly batchStatistics: boolean }) => Promise<RepairScore>;

/**
 * The statistics a repair can leave in the model:
 * - 'running': the running statistics as they were (doing nothing);
 * - 'precise': PreciseBN, every layer one set of exact population statistics (a shared layer gets
 *   the exact blend of its calls);
 * - 'per-slot': PreciseBN with one set per `context.slot` for every layer called more than once
 *   per forward (converted to a per-slot layer), exact population statistics for the rest.
 */
export type RepairCandidate = 'running' | 'precise' | 'per-slot';

export interface RepairOptions<B> extends DiagnoseOptions<B> {
  /**
   * Decides between the candidates by their effect: each is scored and the best of 'precise' and
   * 'per-slot' is kept unless it scores worse than 'running' (then nothing changes). Without it,
   * 'per-slot' when the diagnosis finds a shared layer, else 'precise'.
   */
  validate?: RepairValidator;
  /**
   * Whether shared layers may become per-slot layers. Default true. False keeps the architecture
   * (and so the state-dict names): for a model that must load back into unchanged code.
   */
  perSlot?: boolean;
}

export interface RepairScores {
  readonly running: RepairScore;
  /**
   * The running statistics where they converge with these weights (each layer, or slot, the
   * average of its batches' statistics): a diagnostic, never kept. Its gain over `running` is the
   * EMA's lag; what a single set of exact statistics adds beyond it is not lag.
   */
  readonly converged: RepairScore;
  readonly precise: RepairScore;
  /** Absent when no layer could get per-slot statistics. */
  readonly perSlot?: RepairScore;
  /** Each batch's own statistics: what training-mode normalization gives, for reference. */
  readonly batchStatistics: RepairScore;
}

/**
 * What the eval-mode deficit on the held-out data is made of, in accuracy (fractions), measured by
 * the candidates' effect, one fix after the other:
 * - `lag`: converged running statistics over the running ones (a slow EMA over few steps, stale or
 *   untrained statistics);
 * - `exact`: PreciseBN's population statistics over the converged EMA, which averages per-batch
 *   statistics and so misses the spread between batches (small, unshuffled batches) and, in a layer
 *   called once per person, between the persons' calls;
 * - `blend`: one set of statistics per person slot over one set per layer;
 * - `remaining`: batch statistics over the better of PreciseBN and per-slot (what no running
 *   statistics recover, e.g. a batch-dependent model).
 */
export interface GapBreakdown {
  readonly lag: number;
  readonly exact: number;
  readonly blend: number;
  readonly remaining: number;
  /** The largest of `lag`, `exact` and `blend` when it is at least one point, else 'none'. */
  readonly dominant: 'lag' | 'exact' | 'blend' | 'none';
}

/** One BatchNorm layer: what the repair did to it and why. */
export interface LayerRepair {
  readonly name: string;
  readonly verdict: LayerDiagnosis['verdict'];
  readonly change: 'per-slot' | 'precise' | 'unchanged';
  readonly why: string;
}

export interface RepairResult {
  /** The repaired model: the same object, or a new layer when `model` itself was a converted BatchNorm. */
  readonly model: Module;
  /** The diagnosis before the repair (from the same pass). */
  readonly before: DiagnosisReport;
  /** The statistics the model has now. */
  readonly chosen: RepairCandidate;
  /** Why that candidate, in one sentence. */
  readonly reason: string;
  /** Every candidate's score on the held-out data (only with `validate`). */
  readonly scores?: RepairScores;
  /** The deficit split by cause (only with `validate`). */
  readonly breakdown?: GapBreakdown;
  /** Layers converted to per-slot statistics, with the slots that got statistics. */
  readonly converted: { name: string; from: string; to: string; numSlots: number; slots: number[] }[];
  /** Other layers whose running statistics were replaced by population statistics. */
  readonly recalibrated: string[];
  /** Shared layers that could not be converted, and why. */
  readonly skipped: { name: string; reason: string }[];
  /** Per BatchNorm layer, in model order. */
  readonly layers: LayerRepair[];
  /**
   * Only when `chosen` is 'per-slot': what the repair leaves where the architecture must stay (a
   * PyTorch user's model, whose state-dict names cannot change), as `perSlot: false` would have
   * decided it from the same pass: the better of 'running' and 'precise' on the held-out data, and
   * every tracked layer's exact population statistics. {@link applyLayerStatistics} writes them into
   * an unchanged copy of the model; no second statistics pass is needed.
   */
  readonly sharedAlternative?: { readonly chosen: 'running' | 'precise'; readonly statistics: readonly LayerStatistics[] };
}

/** Running statistics of one slot of one BatchNorm layer, by the layer's path in the model. */
export interface LayerStatistics {
  readonly path: string;
  readonly slot: number;
  readonly mean: Float32Array;
  readonly variance: Float32Array;
}

/**
 * Writes `statistics` (e.g. a repair's {@link RepairResult.sharedAlternative}) into the BatchNorm
 * layers of `model` at their paths. Throws naming a path that is not a BatchNorm layer with that slot.
 */
export function applyLayerStatistics(model: Module, statistics: readonly LayerStatistics[]): void {
  const layers = new Map(model.namedModules().filter((e): e is [string, BatchNormBase] => e[1] instanceof BatchNormBase));
  for (const { path, slot, mean, variance } of statistics) {
    const layer = layers.get(path);
    if (!layer || slot >= layer.numSlots) throw new Error(`applyLayerStatistics: ${path || '(model)'} is not a BatchNorm layer with a statistics slot ${slot}`);
    atLayer(path, () => writeRunningStatistics(layer, slot, mean, variance));
  }
}

/**
 * Repairs BatchNorm's train/eval gap without retraining. One statistics pass over `batches` (as
 * `diagnose`'s) gives every candidate's statistics: exact population statistics per layer
 * ('precise', PreciseBN) and, for every layer called more than once per forward with
 * `context.slot`, exact statistics per slot ('per-slot': the layer becomes a per-slot layer made by
 * `toSlotBatchNorm`, numSlots = highest slot seen + 1). Weights are never touched.
 *
 * Which candidate is right is decided by its effect, not by a threshold: with `options.validate`
 * each candidate, the untouched running statistics and batch statistics are scored on held-out
 * data, and the best of 'precise' and 'per-slot' is kept unless it is worse than doing nothing.
 * A shared layer's per-channel error (`diagnose`) says where to look; a small shift in many
 * channels or a large one in a few can cost the same accuracy once layers compound it.
 *
 * The model must pass `context.slot` on each call of a shared layer (a per-person loop calling
 * with `{ slot: personIndex }`); layers whose calls carry no slot are reported in `skipped`.
 */
export async function repair<B = NormBatch>(
  model: Module,
  batches: Iterable<B> | AsyncIterable<B>,
  options: RepairOptions<B> = {},
): Promise<RepairResult> {
  const observation = await observeBatchNorms(model, batches, options);
  const before = await buildDiagnosis(observation, options);
  const verdicts = new Map(observation.layers.map((obs, i) => [obs, before.layers[i]!]));
  const tracked = observation.layers.filter((obs) => obs.layer.trackRunningStats);
  const multiCall = tracked.filter((obs) => !obs.layer.perSlot && obs.maxCallsPerForward > 1);
  const skipped = multiCall
    .map((obs) => ({ obs, reason: whyNotConvertible(obs) }))
    .filter((s): s is { obs: LayerObservation; reason: string } => s.reason !== undefined);
  const convertible = options.perSlot === false ? [] : multiCall.filter((obs) => !skipped.some((s) => s.obs === obs));
  const shared = (obs: LayerObservation) => verdicts.get(obs)?.verdict === 'shared-between-distributions';

  const original = snapshotStatistics(tracked);
  let scores: RepairScores | undefined;
  let chosen: RepairCandidate;
  let reason: string;
  let root = model;
  let slotted: Conversion[] = [];
  let preciseStatistics: LayerStatistics[] | undefined;
  try {
    const running = options.validate && (await options.validate(model, { batchStatistics: false }));
    const batchStatistics = options.validate && (await options.validate(model, { batchStatistics: true }));
    let converged: RepairScore | undefined;
    if (options.validate) {
      for (const obs of tracked) atLayer(obs.path, () => writeConverged(obs));
      converged = await options.validate(model, { batchStatistics: false });
    }
    for (const obs of tracked) atLayer(obs.path, () => writeAll(obs));
    const precise = options.validate && (await options.validate(model, { batchStatistics: false }));
    // Taken before any layer is converted: the alternative if the architecture must stay.
    if (convertible.length > 0) preciseStatistics = await readStatistics(tracked);
    if (convertible.length > 0 && (options.validate || convertible.some(shared))) {
      slotted = convertible.map((obs) => atLayer(obs.path, () => toPerSlot(obs)));
      root = installed(model, slotted, 'converted');
    }
    const perSlot = slotted.length > 0 && options.validate ? await options.validate(root, { batchStatistics: false }) : undefined;
    if (running && converged && batchStatistics && precise) {
      scores = { running, converged, precise, batchStatistics, ...(perSlot && { perSlot }) };
      const best: RepairCandidate = perSlot && better(perSlot, precise) ? 'per-slot' : 'precise';
      const bestScore = best === 'per-slot' ? perSlot! : precise;
      chosen = better(running, bestScore) ? 'running' : best;
      reason =
        chosen === 'running'
          ? `the best candidate (${best}, ${scoreText(bestScore)}) scored worse than the running statistics (${scoreText(running)}) on the held-out data, so nothing was changed`
          : `${chosen} scored best on the held-out data (${scoreText(bestScore)}; running statistics ${scoreText(running)}` +
            (chosen === 'per-slot' ? `, one set per layer ${scoreText(precise)}` : perSlot ? `, per-slot ${scoreText(perSlot)}` : '') +
            `; batch statistics ${scoreText(batchStatistics)})`;
    } else {
      chosen = slotted.length > 0 ? 'per-slot' : 'precise';
      reason =
        chosen === 'per-slot'
          ? `the diagnosis found ${convertible.filter(shared).map((o) => o.path).join(', ')} shared between the persons (no held-out data to compare candidates)`
          : 'no shared layer that can take per-slot statistics (no held-out data to compare candidates)';
    }
  } catch (error) {
    if (slotted.length > 0) installed(root, slotted, 'original');
    for (const c of slotted) c.slotted.dispose();
    restoreStatistics(original);
    disposeSnapshot(original);
    throw error;
  }
  if (chosen !== 'per-slot' && slotted.length > 0) {
    root = installed(root, slotted, 'original');
    for (const c of slotted) c.slotted.dispose();
    slotted = [];
  }
  if (chosen === 'running') restoreStatistics(original);
  disposeSnapshot(original);
  for (const c of slotted) c.obs.layer.dispose();

  const converted = slotted.map((c) => ({ name: c.obs.path, from: c.obs.layer.kind, to: c.slotted.kind, numSlots: c.slotted.numSlots, slots: c.slots }));
  const recalibrated = chosen === 'running' ? [] : tracked.filter((obs) => !slotted.some((c) => c.obs === obs) && obs.pooled.count > 0).map((obs) => obs.path);
  const layers = observation.layers.map((obs): LayerRepair => {
    const diagnosis = verdicts.get(obs)!;
    const change = slotted.some((c) => c.obs === obs) ? 'per-slot' : recalibrated.includes(obs.path) ? 'precise' : 'unchanged';
    return { name: obs.path, verdict: diagnosis.verdict, change, why: layerWhy(obs, diagnosis, change, chosen, skipped.find((s) => s.obs === obs)?.reason) };
  });
  return {
    model: root,
    before,
    chosen,
    reason,
    ...(scores && { scores, breakdown: gapBreakdown(scores) }),
    converted,
    recalibrated,
    skipped: skipped.filter((s) => shared(s.obs)).map((s) => ({ name: s.obs.path, reason: s.reason })),
    layers,
    ...(chosen === 'per-slot' && preciseStatistics && {
      sharedAlternative: { chosen: scores && better(scores.running, scores.precise) ? 'running' : 'precise', statistics: preciseStatistics },
    }),
  };
}

export function gapBreakdown(scores: RepairScores): GapBreakdown {
  const precise = scores.precise.accuracy;
  const perSlot = scores.perSlot?.accuracy ?? precise;
  const parts = {
    lag: scores.converged.accuracy - scores.running.accuracy,
    exact: precise - scores.converged.accuracy,
    blend: perSlot - precise,
  };
  const remaining = scores.batchStatistics.accuracy - Math.max(perSlot, precise);
  const [name, value] = Object.entries(parts).reduce((a, b) => (b[1] > a[1] ? b : a));
  return { ...parts, remaining, dominant: value < 0.01 ? 'none' : (name as GapBreakdown['dominant']) };
}

/** Higher accuracy wins; at equal accuracy, lower loss. */
function better(a: RepairScore, b: RepairScore): boolean {
  return a.accuracy > b.accuracy || (a.accuracy === b.accuracy && a.loss < b.loss);
}

const scoreText = (s: RepairScore) => `${(s.accuracy * 100).toFixed(1)}%, loss ${s.loss.toFixed(3)}`;
const f2 = (x: number) => x.toFixed(2);

function layerWhy(obs: LayerObservation, d: LayerDiagnosis, change: LayerRepair['change'], chosen: RepairCandidate, notConvertible?: string): string {
  const calls = `called ${obs.maxCallsPerForward}x per forward`;
  const sharing = d.sharing ? `one set of statistics leaves a call site ${f2(d.sharing.max)} output sigmas off (${d.sharing.channelsOver}/${d.sharing.channels} channels over the threshold)` : '';
  const lag = d.lag ? `running statistics ${f2(d.lag.max)} output sigmas off where they converge, in the worst channel` : '';
  switch (change) {
    case 'per-slot':
      return `${calls}; ${sharing}: each slot got its own population statistics`;
    case 'precise':
      return [obs.maxCallsPerForward > 1 && !obs.layer.perSlot ? `${calls}; ${sharing}; ${notConvertible ?? `per-slot statistics scored no better`}` : '', lag, 'replaced by population statistics (PreciseBN)']
        .filter(Boolean)
        .join('; ');
    default:
      if (!obs.layer.trackRunningStats) return 'keeps no running statistics';
      if (obs.pooled.count === 0) return 'not called on the given data';
      return chosen === 'running' ? 'kept: no candidate scored better than the running statistics' : 'unchanged';
  }
}

function whyNotConvertible(obs: LayerObservation): string | undefined {
  if (obs.unslottedCalls > 0) {
    return 'the model calls this layer without context.slot; pass { slot: personIndex } on each person\'s call so that each call site can get its own statistics';
  }
  if (obs.bySlot.size < 2) return 'all calls carry the same context.slot; give each call site its own slot';
  return undefined;
}

interface Conversion {
  readonly obs: LayerObservation;
  readonly slotted: BatchNormBase;
  readonly slots: number[];
}

function toPerSlot(obs: LayerObservation): Conversion {
  const numSlots = Math.max(...obs.bySlot.keys()) + 1;
  const slotted = toSlotBatchNorm(obs.layer, numSlots);
  const slots = [...obs.bySlot].filter(([slot, moments]) => writeStatistics(slotted, slot, moments)).map(([slot]) => slot);
  return { obs, slotted, slots: slots.sort((a, b) => a - b) };
}

/** Puts the converted or the original layers into `root`; returns the (possibly new) root. */
function installed(root: Module, conversions: readonly Conversion[], which: 'converted' | 'original'): Module {
  let result = root;
  for (const c of conversions) {
    const layer = which === 'converted' ? c.slotted : c.obs.layer;
    if (c.obs.path === '') result = layer;
    else result.replaceModule(c.obs.path, layer);
  }
  return result;
}

/** Where the running statistics converge: each slot the average of its batches' statistics. */
function writeConverged(obs: LayerObservation): void {
  for (const [slot, average] of obs.batchAverage) {
    if (slot < obs.layer.numSlots && average.calls > 0) writeRunningStatistics(obs.layer, slot, average.mean(), average.variance());
  }
}

/** Exact statistics for a layer that keeps its type: per slot for per-slot layers, pooled otherwise. */
function writeAll(obs: LayerObservation): boolean {
  const layer: BatchNormBase = obs.layer;
  if (!layer.perSlot) return writeStatistics(layer, 0, obs.pooled);
  let any = false;
  for (const [slot, moments] of obs.bySlot) if (slot < layer.numSlots && writeStatistics(layer, slot, moments)) any = true;
  return any;
}

async function readStatistics(observations: readonly LayerObservation[]): Promise<LayerStatistics[]> {
  const slots = observations.flatMap(({ path, layer }) => Array.from({ length: layer.numSlots }, (_, slot) => ({ path, slot, s: layer.statistics(slot) })));
  // data(), not dataSync(): a WebGPU backend cannot read synchronously.
  return Promise.all(slots.map(async ({ path, slot, s }) => ({
    path,
    slot,
    mean: (await s.runningMean.data()) as Float32Array,
    variance: (await s.runningVar.data()) as Float32Array,
  })));
}

type Snapshot = { layer: BatchNormBase; slot: number; mean: tf.Tensor; variance: tf.Tensor }[];

function snapshotStatistics(observations: readonly LayerObservation[]): Snapshot {
  return observations.flatMap(({ layer }) =>
    Array.from({ length: layer.numSlots }, (_, slot) => {
      const s = layer.statistics(slot);
      return { layer, slot, mean: tf.clone(s.runningMean), variance: tf.clone(s.runningVar) };
    }),
  );
}

function restoreStatistics(snapshot: Snapshot): void {
  for (const { layer, slot, mean, variance } of snapshot) {
    const s = layer.statistics(slot);
    s.runningMean.assign(mean);
    s.runningVar.assign(variance);
  }
}

function disposeSnapshot(snapshot: Snapshot): void {
  tf.dispose(snapshot.flatMap((s) => [s.mean, s.variance]));
}
