import type { Module } from '@skelnorm/nn';
import { kerasMomentumFromTorch } from './momentum.js';
import { invalidStatistics, observeBatchNorms, type LayerObservation, type NormBatch, type Observation, type StatisticsPassOptions } from './statistics-pass.js';
import {
  isLargeShift,
  normalizationError,
  statisticsShift,
  summarizeChannelError,
  type ChannelErrorSummary,
  type StatisticsShift,
} from './statistics-shift.js';

/**
 * A layer's state in one word:
 * - 'healthy': running statistics match the data's population statistics.
 * - 'shared-between-distributions': one set of statistics serves calls (e.g. one per person) whose
 *   inputs differ; eval mode normalizes every call with the blend.
 * - 'stale-statistics': running statistics far from the population (lagging EMA, changed data...).
 * - 'untrained-statistics': still the initial mean 0 / variance 1, and far from the data.
 * - 'invalid-statistics': a running mean or variance is NaN/Infinity, or a variance is negative.
 * - 'no-running-statistics': `trackRunningStats: false`, batch statistics in eval too (not a fault).
 * - 'not-called': the layer did not run on the given batches (nothing to judge).
 */
export type BatchNormVerdict =
  | 'healthy'
  | 'shared-between-distributions'
  | 'stale-statistics'
  | 'untrained-statistics'
  | 'invalid-statistics'
  | 'no-running-statistics'
  | 'not-called';

export interface DiagnoseOptions<B> extends StatisticsPassOptions<B> {
  /** Stale when the running mean is off by more than this many population sigmas, averaged over channels. Default 0.25. */
  meanShiftThreshold?: number;
  /** Stale when the geometric-mean ratio running_var / population var is above this or below its inverse. Default 2. */
  varianceRatioThreshold?: number;
  /**
   * A layer called more than once per forward is shared between distributions when one call site,
   * normalized with the statistics of all calls pooled (the best that one set of statistics can
   * do), is off by more than this in its worst channel (RMS error in output sigmas, see
   * `normalizationError`). Default 0.25.
   */
  sharingThreshold?: number;
}

export const DIAGNOSE_DEFAULTS = Object.freeze({ meanShiftThreshold: 0.25, varianceRatioThreshold: 2, sharingThreshold: 0.25 });

/** One call site (k-th call in a forward pass) of a layer with one set of statistics. */
export interface CallSiteDiagnosis extends StatisticsShift {
  /** Call index within a forward pass. */
  readonly call: number;
  /** Values per channel seen at this call site. */
  readonly count: number;
  /** How wrongly eval mode normalizes this site with the running statistics, per channel (output sigmas). */
  readonly error: ChannelErrorSummary;
  /** The same with the pooled statistics of all calls: what PreciseBN without slots would leave. */
  readonly blendError: ChannelErrorSummary;
}

/** One statistics slot of a per-slot layer. */
export interface SlotDiagnosis {
  readonly slot: number;
  readonly count: number;
  readonly numBatchesTracked: number;
  /** Running statistics of this slot against the population of the calls with this slot; null if none. */
  readonly meanShiftSigma: StatisticsShift['meanShiftSigma'] | null;
  readonly varianceRatio: StatisticsShift['varianceRatio'] | null;
  readonly verdict: BatchNormVerdict;
}

export interface LayerDiagnosis {
  /** Dotted path in the model, e.g. `conv1.1`. */
  readonly name: string;
  /** Layer class, e.g. `BatchNorm2d`. */
  readonly kind: string;
  readonly numFeatures: number;
  /** PyTorch convention (weight of the new batch); null = cumulative average. */
  readonly momentum: number | null;
  readonly trackRunningStats: boolean;
  /** Most calls of this layer in one forward pass (2 for a stack shared by two persons). */
  readonly callsPerForward: number;
  /** N of the layer's first input during the diagnosis. */
  readonly batchSize: number;
  /** Values per channel seen in all calls. */
  readonly count: number;
  /** Slot 0's (for per-slot layers: the sum over slots). */
  readonly numBatchesTracked: number;
  /** Running statistics against the population of all calls (per-slot layers: the worst slot); null if not judged. */
  readonly meanShiftSigma: StatisticsShift['meanShiftSigma'] | null;
  readonly varianceRatio: StatisticsShift['varianceRatio'] | null;
  /**
   * Running statistics against where they converge with the current weights (the average of the
   * batches' statistics), per channel (output sigmas): the EMA's lag. Single-statistics layers only.
   */
  readonly lag?: ChannelErrorSummary;
  /** Single-statistics layers called more than once per forward: each call site against the running and the pooled statistics. */
  readonly callSites?: CallSiteDiagnosis[];
  /**
   * The worst call site's `blendError`: the part of the eval-mode error that only per-slot
   * statistics remove. The verdict is 'shared-between-distributions' when its max passes `sharingThreshold`.
   */
  readonly sharing?: ChannelErrorSummary;
  /** Whether every call carried `context.slot` (needed by `repair`). */
  readonly slotsInContext?: boolean;
  readonly slots?: SlotDiagnosis[];
  readonly verdict: BatchNormVerdict;
  /** What to do, most direct first. Empty when healthy. */
  readonly fixes: string[];
  /** One or two plain-language sentences. */
  readonly message: string;
}

export interface DiagnosisReport {
  readonly layers: LayerDiagnosis[];
  /** True when no layer is shared between distributions, stale or untrained. */
  readonly healthy: boolean;
  readonly summary: string;
  /** Batches the population statistics come from. */
  readonly batches: number;
  readonly thresholds: Required<Pick<DiagnoseOptions<unknown>, keyof typeof DIAGNOSE_DEFAULTS>>;
}

const NOT_A_FAULT: readonly BatchNormVerdict[] = ['healthy', 'no-running-statistics', 'not-called'];

/**
 * The BatchNorm doctor. One pass over `batches` (as `recalibrate`'s: BatchNorm layers normalize with
 * batch statistics, everything else in eval mode; nothing is changed) measures, for every BatchNorm
 * layer of `model`: calls per forward pass (via forward hooks), batch size, momentum, and the running
 * statistics against the population statistics of the data (mean shift in population sigmas, variance
 * ratio running/population). A layer called more than once per forward with clearly different
 * inputs (the per-person loop of a two-person model, whose second person is mostly zeros) is
 * 'shared-between-distributions'; running statistics far from the population are 'stale-statistics'.
 * Each layer gets a verdict, fixes and a message; the report is plain data for a CLI or web app.
 * `batches` and `options.forward` as in `recalibrate`; use data the model is evaluated on.
 */
export async function diagnose<B = NormBatch>(
  model: Module,
  batches: Iterable<B> | AsyncIterable<B>,
  options: DiagnoseOptions<B> = {},
): Promise<DiagnosisReport> {
  return buildDiagnosis(await observeBatchNorms(model, batches, options), options);
}

/** The report for an observation already made (shared with `repair`, which needs one pass only). */
export async function buildDiagnosis(observation: Observation, options: DiagnoseOptions<never> = {}): Promise<DiagnosisReport> {
  const thresholds = {
    meanShiftThreshold: options.meanShiftThreshold ?? DIAGNOSE_DEFAULTS.meanShiftThreshold,
    varianceRatioThreshold: options.varianceRatioThreshold ?? DIAGNOSE_DEFAULTS.varianceRatioThreshold,
    sharingThreshold: options.sharingThreshold ?? DIAGNOSE_DEFAULTS.sharingThreshold,
  };
  const layers: LayerDiagnosis[] = [];
  for (const obs of observation.layers) layers.push(await diagnoseLayer(obs, thresholds));
  const faulty = layers.filter((l) => !NOT_A_FAULT.includes(l.verdict));
  const summary =
    layers.length === 0
      ? 'No BatchNorm layers.'
      : faulty.length === 0
        ? `All ${layers.length} BatchNorm layers are healthy on ${observation.batches} batches.`
        : `${faulty.length} of ${layers.length} BatchNorm layers need attention: ` +
          faulty.map((l) => `${l.name} (${l.verdict})`).join(', ') +
          '.';
  return { layers, healthy: faulty.length === 0, summary, batches: observation.batches, thresholds };
}

type Thresholds = DiagnosisReport['thresholds'];

async function runningOf(obs: LayerObservation, slot: number) {
  const s = obs.layer.statistics(slot);
  const [mean, variance, tracked] = await Promise.all([s.runningMean.data(), s.runningVar.data(), s.numBatchesTracked.data()]);
  const initial = mean.every((v) => v === 0) && variance.every((v) => v === 1) && tracked[0] === 0;
  return { mean, variance, tracked: tracked[0] ?? 0, initial };
}

function judge(shift: StatisticsShift, initial: boolean, t: Thresholds): BatchNormVerdict {
  if (!isLargeShift(shift, t.meanShiftThreshold, t.varianceRatioThreshold)) return 'healthy';
  return initial ? 'untrained-statistics' : 'stale-statistics';
}

async function diagnoseLayer(obs: LayerObservation, t: Thresholds): Promise<LayerDiagnosis> {
  const { layer, path } = obs;
  const base = {
    name: path,
    kind: layer.kind,
    numFeatures: layer.numFeatures,
    momentum: layer.momentum,
    trackRunningStats: layer.trackRunningStats,
    callsPerForward: obs.maxCallsPerForward,
    batchSize: obs.batchSize,
    count: obs.pooled.count,
  };
  const label = `${path || '(model)'} (${layer.kind})`;
  if (!layer.trackRunningStats) {
    return { ...base, numBatchesTracked: 0, meanShiftSigma: null, varianceRatio: null, verdict: 'no-running-statistics', fixes: [],
      message: `${label} keeps no running statistics (trackRunningStats: false): eval mode uses batch statistics too, so outputs depend on the eval batch's size and composition.` };
  }
  if (layer.perSlot) return diagnoseSlots(obs, base, label, t);
  const running = await runningOf(obs, 0);
  const common = { ...base, numBatchesTracked: running.tracked };
  const invalid = invalidStatistics(running.mean, running.variance);
  if (invalid) {
    return { ...common, meanShiftSigma: null, varianceRatio: null, verdict: 'invalid-statistics', fixes: ['Load statistics from a good checkpoint, or `recalibrate(model, batches)` if the weights are sound.'],
      message: `${label}: ${invalid}; eval mode turns every output of this layer into NaN or nonsense.` };
  }
  if (obs.pooled.count === 0) {
    return { ...common, meanShiftSigma: null, varianceRatio: null, verdict: 'not-called', fixes: [], message: `${label} did not run on the given batches (or saw only padded samples): nothing to judge.` };
  }
  const shift = statisticsShift(running.mean, running.variance, obs.pooled, layer.eps);
  const summarize = (error: Float64Array) => summarizeChannelError(error, t.sharingThreshold);
  const pooledVariance = obs.pooled.variance(true);
  const target = obs.batchAverage.get(0);
  const lag = target ? summarize(normalizationError({ mean: target.mean(), variance: target.variance() }, running.mean, running.variance, layer.eps)) : undefined;
  const callSites: CallSiteDiagnosis[] = obs.byCall.map((m, call) => ({
    call,
    count: m.count,
    ...statisticsShift(running.mean, running.variance, m, layer.eps),
    error: summarize(normalizationError(m, running.mean, running.variance, layer.eps)),
    blendError: summarize(normalizationError(m, obs.pooled.mean, pooledVariance, layer.eps)),
  }));
  const seen = callSites.filter((c) => c.count > 0);
  const sharing = seen.length > 1 ? seen.map((c) => c.blendError).reduce((a, b) => (b.max > a.max ? b : a)) : undefined;
  const multi = obs.byCall.length > 1
    ? { callSites, ...(sharing && { sharing }), slotsInContext: obs.unslottedCalls === 0 }
    : {};
  const shared = sharing !== undefined && sharing.max > t.sharingThreshold;
  const statistics = judge(shift, running.initial, t);
  const verdict: BatchNormVerdict = shared ? 'shared-between-distributions' : statistics;
  const { fixes, message } = advice(verdict, label, { ...base, shift, lag, sharing, stale: statistics !== 'healthy', slotsInContext: obs.unslottedCalls === 0, perSlot: false });
  return { ...common, ...shift, ...(lag && { lag }), ...multi, verdict, fixes, message };
}

async function diagnoseSlots(obs: LayerObservation, base: Omit<LayerDiagnosis, 'numBatchesTracked' | 'meanShiftSigma' | 'varianceRatio' | 'verdict' | 'fixes' | 'message'>, label: string, t: Thresholds): Promise<LayerDiagnosis> {
  const { layer } = obs;
  const slots: SlotDiagnosis[] = [];
  let worst: { shift: StatisticsShift; verdict: BatchNormVerdict } | undefined;
  for (let slot = 0; slot < layer.numSlots; slot++) {
    const running = await runningOf(obs, slot);
    const population = obs.bySlot.get(slot);
    if (!population || population.count === 0) {
      slots.push({ slot, count: 0, numBatchesTracked: running.tracked, meanShiftSigma: null, varianceRatio: null, verdict: 'not-called' });
      continue;
    }
    const shift = statisticsShift(running.mean, running.variance, population, layer.eps);
    const verdict = judge(shift, running.initial, t);
    slots.push({ slot, count: population.count, numBatchesTracked: running.tracked, ...shift, verdict });
    const rank = (v: BatchNormVerdict) => (v === 'healthy' ? 0 : 1);
    if (!worst || rank(verdict) > rank(worst.verdict) || (rank(verdict) === rank(worst.verdict) && shift.meanShiftSigma.mean > worst.shift.meanShiftSigma.mean)) {
      worst = { shift, verdict };
    }
  }
  const verdict = worst?.verdict ?? 'not-called';
  const numBatchesTracked = slots.reduce((sum, s) => sum + s.numBatchesTracked, 0);
  const { fixes, message } = advice(verdict, label, { ...base, shift: worst?.shift, perSlot: true, slotsInContext: true });
  return { ...base, numBatchesTracked, meanShiftSigma: worst?.shift.meanShiftSigma ?? null, varianceRatio: worst?.shift.varianceRatio ?? null, slots, verdict, fixes, message };
}

interface AdviceInput {
  readonly momentum: number | null;
  readonly callsPerForward: number;
  readonly batchSize: number;
  readonly shift: StatisticsShift | undefined;
  readonly lag?: ChannelErrorSummary | undefined;
  readonly sharing?: ChannelErrorSummary | undefined;
  /** The running statistics are also far from the pooled population (lag on top of the sharing). */
  readonly stale?: boolean;
  readonly slotsInContext: boolean;
  readonly perSlot: boolean;
}

const f2 = (x: number) => (Math.abs(x) >= 100 ? x.toExponential(1) : x.toFixed(2));

function advice(verdict: BatchNormVerdict, label: string, a: AdviceInput): { fixes: string[]; message: string } {
  const shiftText = a.shift
    ? `mean shift ${f2(a.shift.meanShiftSigma.mean)} sigma (max ${f2(a.shift.meanShiftSigma.max)}), variance ratio ${f2(a.shift.varianceRatio.mean)}`
    : '';
  const slowMomentum = a.momentum !== null && a.momentum < 0.1;
  const momentumFix = slowMomentum
    ? [`Raise momentum from ${a.momentum} to 0.1 (PyTorch convention; Keras/TensorFlow.js ${kerasMomentumFromTorch(0.1)}): running statistics with momentum ${a.momentum} lag about ${Math.round(1 / (a.momentum || 1e-9))} steps behind the weights.`]
    : [];
  switch (verdict) {
    case 'shared-between-distributions': {
      const s = a.sharing;
      return {
        message:
          `${label} is called ${a.callsPerForward} times per forward pass on different input distributions` +
          (s ? ` (with one set of statistics for all calls, the worst call site is off by ${f2(s.max)} output sigmas in channel ${s.worstChannel}, ${s.channelsOver} of ${s.channels} channels by more than the threshold)` : '') +
          '. In training each call is normalized with its own batch statistics, but its single set of running statistics blends all calls, so in eval mode no call is normalized as it was in training; recalibrating that one set (PreciseBN) only makes the blend exact.' +
          (a.stale && a.lag ? ` The running statistics also lag (worst channel ${f2(a.lag.max)} output sigmas off where they converge${slowMomentum ? `, momentum ${a.momentum}` : ''}).` : ''),
        fixes: [
          'Keep separate statistics per person slot: `repair(model, batches)` converts this layer to SlotBatchNorm and sets each slot exactly from the data, without retraining; for new training use `createNorm(\'slot-batch\', ...)`.' +
            (a.slotsInContext ? '' : ' The model passes no `context.slot` to this layer: call each person with `{ slot: personIndex }` first.'),
          'Fold the persons into the batch ([N*M, ...]) so that the layer is called once per forward pass on the real mix of persons.',
          'If the extra calls are mostly padding (absent persons), use MaskedBatchNorm and pass `context.mask` so padded samples do not enter the statistics.',
          'Switch to GroupNorm or LayerNorm (`createNorm(\'group\' | \'layer\', ...)`), which keep no running statistics.',
          ...(a.stale ? momentumFix : []),
        ],
      };
    }
    case 'stale-statistics':
      return {
        message: `${label}: the running statistics are far from the population statistics of the given data (${shiftText}), so eval mode normalizes with values training never produced.`,
        fixes: [
          '`recalibrate(model, batches)` (PreciseBN): set exact population statistics from training data, no retraining.',
          ...momentumFix,
          'Shuffle the training data every epoch and use the same preprocessing and batch size in training and evaluation.',
          ...(a.batchSize > 0 && a.batchSize < 16 ? ['Batches are small: use larger batches, or GroupNorm which does not depend on them.'] : []),
        ],
      };
    case 'untrained-statistics':
      return {
        message: `${label}: the running statistics are still their initial values (mean 0, variance 1, num_batches_tracked 0) and do not fit the data (${shiftText}); the layer never ran in training mode.`,
        fixes: ['Train with `model.train()` so that the statistics are updated, or `recalibrate(model, batches)`.'],
      };
    case 'healthy':
      return {
        message:
          `${label}: running statistics match the data (${shiftText}).` +
          (a.callsPerForward > 1 && !a.perSlot
            ? ` It is called ${a.callsPerForward} times per forward pass on similar distributions${a.sharing ? ` (one set of statistics leaves the worst call site ${f2(a.sharing.max)} output sigmas off)` : ''}.`
            : '') +
          (slowMomentum ? ` Momentum ${a.momentum} is slow; fine while the statistics keep up.` : ''),
        fixes: [],
      };
    default:
      return { message: `${label}: ${verdict}.`, fixes: [] };
  }
}
