/**
 * A learning-rate schedule, serializable. The decay follows PyTorch's schedulers stepped once
 * per epoch (`scheduler.step()` after each epoch), so the rate is constant within an epoch;
 * warmup multiplies it, as `LinearLR` chained with the decay.
 *
 * - `constant`: lr.
 * - `step` (StepLR): lr * gamma^floor(epoch / stepSize).
 * - `multistep` (MultiStepLR): lr * gamma^(number of milestones <= epoch).
 * - `cosine` (CosineAnnealingLR): etaMin + (lr - etaMin) (1 + cos(pi * epoch / tMax)) / 2; like
 *   PyTorch's, it rises again after tMax (set tMax = epochs, the default, for one half-period).
 * - warmup (LinearLR): factor startFactor + (1 - startFactor) * min(i, n) / n, where i counts
 *   epochs (`warmupEpochs`) or optimizer steps (`warmupSteps`, per-step warmup).
 */
export interface LrScheduleSpec {
  readonly name: 'constant' | 'step' | 'multistep' | 'cosine';
  /** `step`: epochs between decays. Required for `step`. */
  readonly stepSize?: number;
  /** `step` / `multistep`: multiplicative decay. Default 0.1. */
  readonly gamma?: number;
  /** `multistep`: epoch indices at which the rate is multiplied by gamma. */
  readonly milestones?: readonly number[];
  /** `cosine`: half-period in epochs. Default: the run's `epochs`. */
  readonly tMax?: number;
  /** `cosine`: the minimum rate. Default 0. */
  readonly etaMin?: number;
  /** Linear warmup over this many epochs. Default 0. */
  readonly warmupEpochs?: number;
  /** Linear warmup over this many optimizer steps (overrides warmupEpochs). Default 0. */
  readonly warmupSteps?: number;
  /** Warmup's first factor. Default 1/3 (PyTorch's LinearLR). */
  readonly warmupStartFactor?: number;
}

/** Where training stands when a rate is asked for. */
export interface SchedulePosition {
  /** 0-based epoch. */
  readonly epoch: number;
  /** Optimizer steps already taken (0 before the first step). */
  readonly globalStep: number;
  /** The run's number of epochs (the default cosine tMax). */
  readonly epochs: number;
}

/** The learning rate for the next step at `position`, from base rate `baseLr`. */
export function learningRateAt(schedule: LrScheduleSpec | undefined, baseLr: number, position: SchedulePosition): number {
  const s = schedule ?? { name: 'constant' };
  const { epoch, globalStep, epochs } = position;
  const gamma = s.gamma ?? 0.1;
  let lr: number;
  switch (s.name) {
    case 'constant':
      lr = baseLr;
      break;
    case 'step': {
      if (!(s.stepSize && s.stepSize > 0)) throw new RangeError(`lr schedule 'step': stepSize must be a positive integer, got ${s.stepSize}`);
      lr = baseLr * gamma ** Math.floor(epoch / s.stepSize);
      break;
    }
    case 'multistep': {
      const passed = (s.milestones ?? []).filter((m) => m <= epoch).length;
      lr = baseLr * gamma ** passed;
      break;
    }
    case 'cosine': {
      const tMax = s.tMax ?? epochs;
      const etaMin = s.etaMin ?? 0;
      lr = etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2;
      break;
    }
    default:
      throw new Error(`lr schedule: unknown name '${(s as { name: string }).name}' (constant, step, multistep, cosine)`);
  }
  const start = s.warmupStartFactor ?? 1 / 3;
  const [i, n] = s.warmupSteps ? [globalStep, s.warmupSteps] : [epoch, s.warmupEpochs ?? 0];
  if (n > 0) lr *= start + ((1 - start) * Math.min(i, n)) / n;
  return lr;
}
