import type { Generator, GeneratorState, Module } from '@skelnorm/nn';
import { disposeBatch, type Batch, type BatchStream, type FitData } from './batch.js';
import type { CheckpointStore } from './checkpoint/checkpoint-store.js';
import { CHECKPOINT_FORMAT, checkpointName, decodeCheckpoint, disposeCheckpoint, encodeCheckpoint, modelSpecOf, type TrainerState } from './checkpoint/checkpoint.js';
import { evaluate, type EvaluateResult } from './evaluate.js';
import type { EvalEvent, NonFiniteReport, TrainEvent } from './events.js';
import { FIT_DEFAULTS, type FitOptions } from './fit-options.js';
import { localStepEngine } from './local-step-engine.js';
import { collectGenerators } from './generators.js';
import { findNonFiniteLayer } from './non-finite.js';
import { createOptimizer } from './optim/create-optimizer.js';
import { learningRateAt } from './optim/lr-schedule.js';
import { disposingEach, resolveRecalibrator } from './recalibration.js';
import type { Optimizer } from './optim/optimizer.js';
import type { StepEngine, StepOutcome } from './step-engine.js';

/**
 * Trains `model` and reports progress as a stream of {@link TrainEvent}s. Pulling drives
 * training: nothing runs between pulls, and leaving the loop (`break`, `return`, a throw, or
 * `options.signal`) stops after the current step and disposes what the run holds (optimizer
 * slots, engine, workers). The model keeps its trained weights.
 *
 * Per step: train mode, forward, cross-entropy (with label smoothing), backward, global
 * gradient norm, NaN/Inf guard, clipping, optimizer update at the schedule's rate. Per epoch:
 * an `epoch` event, evaluation in eval mode (after optional recalibration) and a checkpoint.
 * Failures end the stream with an `error` event instead of a throw.
 *
 * Resume: `resume` restores weights, buffers, optimizer slots, generators and the position;
 * `data.train(epoch, seed)` must give the same batches for the same `(epoch, seed)` (see
 * {@link epochSeed}), and the options must be those of the original run. The checkpoint's seed wins.
 *
 * @example
 * for await (const e of fit(model, { train: (epoch, seed) => batches(epoch, seed), test }, { epochs: 10 })) {
 *   if (e.type === 'eval') console.log(e.epoch, e.top1);
 * }
 */
export async function* fit(model: Module, data: FitData, options: FitOptions): AsyncGenerator<TrainEvent, void, undefined> {
  const started = performance.now();
  const optimizerSpec = options.optimizer ?? FIT_DEFAULTS.optimizer;
  const labelSmoothing = options.labelSmoothing ?? FIT_DEFAULTS.labelSmoothing;
  const guard = options.nonFiniteGuard ?? FIT_DEFAULTS.nonFiniteGuard;
  const evalEvery = options.evalEvery ?? FIT_DEFAULTS.evalEvery;
  const store = options.checkpoint?.store;
  const recalibrator = resolveRecalibrator(options.recalibrate);
  const modelSpec = modelSpecOf(model);
  const generators: Record<string, Generator> = { ...collectGenerators(model), ...options.generators };
  const optimizer = createOptimizer(model.namedParameters(), optimizerSpec);
  let engine: StepEngine | undefined;
  let seed = options.seed ?? FIT_DEFAULTS.seed;
  let epoch = 0;
  let step = 0;
  let globalStep = 0;
  let totals = { lossSum: 0, correct: 0, count: 0 };
  let lastCheckpoint: string | undefined;
  let resumedFrom: string | undefined;
  let engineState: unknown;
  let lastEval: EvaluateResult | undefined;
  let pulled = false;
  try {
    if (!(Number.isInteger(options.epochs) && options.epochs >= 0)) throw new RangeError(`fit: epochs must be a non-negative integer, got ${options.epochs}`);
    const resume = await resolveResume(options.resume, store);
    if (resume) {
      const checkpoint = decodeCheckpoint(resume.safetensors, resume.location);
      try {
        model.loadStateDict(checkpoint.model, { layout: 'pytorch' });
        optimizer.loadStateDict({ stepCount: checkpoint.state.optimizer.stepCount, tensors: checkpoint.optimizer });
      } finally {
        disposeCheckpoint(checkpoint);
      }
      const state = checkpoint.state;
      for (const [name, saved] of Object.entries(state.rng)) generators[name]?.setState(saved);
      ({ epoch, step, globalStep, seed } = state);
      totals = { ...(state.epochTotals ?? totals) };
      engineState = state.engine;
      resumedFrom = lastCheckpoint = resume.location;
    }
    const setup = { model, optimizer, optimizerSpec, labelSmoothing, ...(options.clipGradNorm === undefined ? {} : { clipGradNorm: options.clipGradNorm }) };
    engine = await (options.engine ?? localStepEngine())(setup);
    if (resume) {
      await engine.push();
      if (engineState !== undefined) await engine.setState?.(engineState);
    }
    const lrAt = () => learningRateAt(options.schedule, optimizerSpec.lr, { epoch, globalStep, epochs: options.epochs });
    yield {
      type: 'start', epochs: options.epochs, epoch, step, globalStep, seed, numParameters: model.numParameters(), optimizer: optimizerSpec, engine: engine.description,
      ...(resumedFrom === undefined ? {} : { resumedFrom }),
      ...(options.stepsPerEpoch === undefined ? {} : { stepsPerEpoch: options.stepsPerEpoch }),
    };

    const save = async (): Promise<{ location: string; seconds: number }> => {
      const t0 = performance.now();
      await (engine as StepEngine).pull(true);
      const rng: Record<string, GeneratorState> = {};
      for (const [name, g] of Object.entries(generators)) rng[name] = g.getState();
      const state: TrainerState = {
        format: CHECKPOINT_FORMAT, epoch, step, globalStep, epochs: options.epochs, seed,
        optimizer: { spec: optimizerSpec, stepCount: optimizer.stepCount },
        ...(options.schedule ? { schedule: options.schedule } : {}),
        labelSmoothing, ...(options.clipGradNorm === undefined ? {} : { clipGradNorm: options.clipGradNorm }),
        rng, ...(step > 0 ? { epochTotals: totals } : {}),
        ...(engine?.getState ? { engine: await engine.getState() } : {}),
        ...(modelSpec ? { model: modelSpec } : {}),
        ...(options.checkpoint?.config === undefined ? {} : { config: options.checkpoint.config }),
        savedAt: new Date().toISOString(),
      };
      const files = await encodeCheckpoint(model, optimizer, state);
      lastCheckpoint = await (store as CheckpointStore).save(checkpointName(state), files);
      return { location: lastCheckpoint, seconds: (performance.now() - t0) / 1000 };
    };

    for (; epoch < options.epochs; epoch++) {
      const stream = data.train(epoch, seed);
      const stepsPerEpoch = options.stepsPerEpoch ?? sizeOf(stream);
      const epochStart = performance.now();
      let skip = step;
      let stepsThisRun = 0;
      let lr = lrAt();
      for await (const batch of stream) {
        if (skip > 0) {
          skip--;
          disposeBatch(batch);
          continue;
        }
        lr = lrAt();
        let outcome: StepOutcome;
        try {
          // Inside the try: an abort must still dispose the batch it has already pulled.
          options.signal?.throwIfAborted();
          outcome = await engine.step(batch, lr);
          if (!outcome.finite && guard) {
            await engine.pull();
            const report = await diagnose(model, batch, outcome, { epoch, step: step + 1, globalStep: globalStep + 1, lastCheckpoint });
            yield { type: 'error', error: new Error(describe(report)), nonFinite: report };
            return;
          }
        } finally {
          disposeBatch(batch);
        }
        step++;
        globalStep++;
        stepsThisRun++;
        totals.lossSum += outcome.loss * outcome.count;
        totals.correct += outcome.correct;
        totals.count += outcome.count;
        const elapsed = (performance.now() - epochStart) / 1000;
        yield {
          type: 'step', epoch, step, globalStep, loss: outcome.loss, accuracy: outcome.count > 0 ? outcome.correct / outcome.count : NaN,
          batchSize: outcome.count, lr, gradNorm: outcome.gradNorm, stepsPerSecond: stepsThisRun / elapsed,
          samplesPerSecond: (totals.count / Math.max(step, 1)) * (stepsThisRun / elapsed),
          ...(stepsPerEpoch === undefined ? {} : { stepsPerEpoch }),
        };
        const everySteps = options.checkpoint?.everySteps;
        if (store && everySteps && globalStep % everySteps === 0) yield { type: 'checkpoint', epoch, globalStep, ...(await save()) };
      }
      yield {
        type: 'epoch', epoch, steps: step, samples: totals.count, loss: totals.count > 0 ? totals.lossSum / totals.count : NaN,
        accuracy: totals.count > 0 ? totals.correct / totals.count : NaN, lr, seconds: (performance.now() - epochStart) / 1000,
      };
      const last = epoch === options.epochs - 1;
      step = 0;
      totals = { lossSum: 0, correct: 0, count: 0 };
      if ((data.test || data.trainEval) && (last || (evalEvery > 0 && (epoch + 1) % evalEvery === 0))) {
        await engine.pull();
        let recalibrated = false;
        if (recalibrator) {
          await recalibrator(model, disposingEach(data.calibration ? data.calibration(epoch) : data.train(epoch, seed)));
          await engine.push(false);
          recalibrated = true;
        }
        for (const [split, source] of [['test', data.test], ['train', data.trainEval]] as const) {
          if (!source) continue;
          const event = await evalEvent(model, source(), { split, epoch, globalStep, recalibrated, numClasses: options.numClasses, labelSmoothing });
          if (split === 'test') lastEval = event.result;
          yield event;
        }
      }
      if (store && (last || (epoch + 1) % (options.checkpoint?.everyEpochs ?? 1) === 0)) {
        epoch++;
        try {
          yield { type: 'checkpoint', epoch: epoch - 1, globalStep, ...(await save()) };
        } finally {
          epoch--;
        }
      }
    }
    await engine.pull(true);
    pulled = true;
    yield {
      type: 'done', epochs: options.epochs, globalStep, seconds: (performance.now() - started) / 1000,
      ...(lastEval ? { lastEval } : {}),
    };
  } catch (error) {
    yield { type: 'error', error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    try {
      if (!pulled) await engine?.pull();
    } catch {
      // The run is ending; the model keeps what it last received.
    }
    await engine?.dispose();
    optimizer.dispose();
  }
}

async function resolveResume(resume: FitOptions['resume'], store: CheckpointStore | undefined): Promise<{ location: string; safetensors: Uint8Array } | undefined> {
  if (resume === undefined) return undefined;
  if (resume === 'latest') {
    if (!store) throw new Error("fit: resume 'latest' needs checkpoint.store");
    return store.latest();
  }
  return { location: 'checkpoint bytes', safetensors: resume };
}

function sizeOf(stream: BatchStream): number | undefined {
  const size = (stream as { size?: unknown }).size;
  return typeof size === 'number' && Number.isFinite(size) ? size : undefined;
}

async function evalEvent(
  model: Module,
  batches: BatchStream,
  meta: { split: 'test' | 'train'; epoch: number; globalStep: number; recalibrated: boolean; numClasses: number | undefined; labelSmoothing: number },
): Promise<EvalEvent> {
  const t0 = performance.now();
  const result = await evaluate(model, batches, meta.numClasses === undefined ? {} : { numClasses: meta.numClasses });
  return {
    type: 'eval', epoch: meta.epoch, globalStep: meta.globalStep, split: meta.split, loss: result.loss, top1: result.top1, top5: result.top5,
    recalibrated: meta.recalibrated, result, seconds: (performance.now() - t0) / 1000,
  };
}

async function diagnose(
  model: Module,
  batch: Batch,
  outcome: StepOutcome,
  at: { epoch: number; step: number; globalStep: number; lastCheckpoint: string | undefined },
): Promise<NonFiniteReport> {
  const layer = await findNonFiniteLayer(model, batch);
  return {
    epoch: at.epoch, step: at.step, globalStep: at.globalStep,
    quantity: Number.isFinite(outcome.loss) ? 'gradient' : 'loss',
    inputNonFinite: layer.inputNonFinite,
    ...(layer.layer === undefined ? {} : { layer: layer.layer, layerType: layer.layerType }),
    ...(outcome.nonFiniteParameter === undefined ? {} : { parameter: outcome.nonFiniteParameter }),
    ...(at.lastCheckpoint === undefined ? {} : { lastGoodCheckpoint: at.lastCheckpoint }),
  };
}

function describe(r: NonFiniteReport): string {
  const what = r.quantity === 'loss' ? 'loss' : `gradient${r.parameter ? ` of '${r.parameter}'` : ''}`;
  const where = r.inputNonFinite ? 'the input batch holds NaN/Inf' : r.layer !== undefined ? `first non-finite output: '${r.layer || '(model)'}' (${r.layerType})` : 'every layer output was finite';
  const back = r.lastGoodCheckpoint ? `last good checkpoint: ${r.lastGoodCheckpoint}` : 'no checkpoint written yet';
  return `non-finite ${what} at epoch ${r.epoch} step ${r.step} (global step ${r.globalStep}); ${where}; no update applied; ${back}`;
}
