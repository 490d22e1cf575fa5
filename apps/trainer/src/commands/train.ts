import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { LayoutName } from '@skelnorm/data';
import { readTrainerState } from '@skelnorm/trainer';
import { FileCheckpointStore } from '@skelnorm/trainer/node';
import { formatFlags, parseFlags } from '../args/flags.js';
import { UsageError, type Command, type CommandIO } from '../command.js';
import { ProgressDisplay } from '../progress/progress-display.js';
import { formatDuration, renderRunReport } from '../report/run-report.js';
import { defaultRunDir, RunFolder } from '../run/run-folder.js';
import { chooseBackend } from '../training/backend-choice.js';
import type { TrainingData } from '../training/training-data.js';
import { loadTrainingData } from '../training/load-training-data.js';
import { resolveTrainConfig, TRAIN_DEFAULTS, TRAINING_FLAGS, type TrainConfig } from '../training/train-config.js';
import { TRAIN_PRESETS } from '../training/presets.js';
import { trainModel } from '../training/train-model.js';
import { interruptSignal } from '../training/interrupt.js';
import { checkBatchNorm } from '../training/batch-norm-check.js';
import { checkModelOptions } from '../training/build-model.js';
import { parseQueueUrl } from '../queue/queue-url.js';
import { runQueuedTrain } from '../queue/queued-train.js';
import { checkRedis } from '../queue/redis-connection.js';
import { loadModelFile, modelFileOptions } from '../training/model-file.js';
import type { ParsedFlags } from '../args/flags.js';

const FLAGS = {
  ...TRAINING_FLAGS,
  init: { type: 'string', description: 'start from the weights of FILE (a checkpoint, a run folder or a PyTorch state dict); the model and its options come from it', placeholder: 'FILE' },
  out: { type: 'string', description: 'run folder (default runs/<time>-<model>); an existing one is refused unless --force', placeholder: 'DIR' },
  force: { type: 'boolean', description: 'replace an existing --out folder (its old run is deleted)' },
  resume: { type: 'string', description: "continue the run in DIR from its latest checkpoint (its config.json; only --epochs, --workers, --backend may change)", placeholder: 'DIR' },
  queue: { type: 'string', description: 'train on a `skelnorm worker` anywhere: one job on this Redis (redis://HOST:PORT[/DB]); the run folder is written here when it is done', placeholder: 'URL' },
} as const;

/** Flags that may differ when resuming: they do not change the result. `--epochs` extends the run. */
const RESUMABLE = new Set(['epochs', 'workers', 'backend', 'resume']);

const usage = `Usage: skelnorm train [options]

Trains a model and writes a run folder (config.json, metrics.jsonl, checkpoints/, report.md with
SVG plots). Defaults: the seed CNN (BatchNorm, momentum 0.01 as the seed used it, persons one call
each) on the built-in synthetic NTU-like set (${TRAIN_DEFAULTS.synthetic.classes} classes x ${TRAIN_DEFAULTS.synthetic.perClass}, cross-subject split),
${TRAIN_DEFAULTS.epochs} epochs, batch ${TRAIN_DEFAULTS.batchSize}, Adam lr ${TRAIN_DEFAULTS.lr}, data-parallel over all CPU cores.
That short run shows BatchNorm's lagging running averages; --preset seed trains long enough (810
steps, ${TRAIN_PRESETS['seed']!.runTime} on 2 cores) that what remains is the persons' blend
(add --coords camera for Kinect camera coordinates, where it is largest). The run ends with the
BatchNorm doctor's measurement of what the eval-mode gap is made of.

Options:
${formatFlags(FLAGS)}`;

/** The seed's BatchNorm momentum (0.01): `train` reproduces the seed unless told otherwise. */
export const SEED_BN_MOMENTUM = 0.01;

export const command: Command = {
  name: 'train',
  summary: 'train a model (default: the seed CNN on the synthetic set) and write a run folder with a report',
  usage,
  async run(args, io) {
    const { flags } = parseFlags(args, FLAGS);
    let config: TrainConfig;
    let dir: string;
    let existing: RunFolder | undefined;
    const resume = flags.resume !== undefined;
    const queue = flags.queue !== undefined ? parseQueueUrl(flags.queue) : undefined;
    if (queue && resume) throw new UsageError('--resume continues a run on this machine; it does not go with --queue');
    if (resume) {
      const given = args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]!);
      const fixed = given.filter((name) => !RESUMABLE.has(name));
      if (fixed.length > 0) throw new UsageError(`--resume continues a run with its own configuration; --${fixed.join(', --')} cannot change`);
      if (flags.out !== undefined) throw new UsageError('--resume writes into the run folder it continues; drop --out');
      dir = flags.resume!;
      existing = await RunFolder.existing(dir);
      const stored = await existing.readConfig<TrainConfig & { run?: unknown }>().catch((error: unknown) => {
        throw new UsageError(`--resume ${dir}: config.json is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
      });
      const { run: _run, ...rest } = stored;
      config = {
        ...rest,
        epochs: flags.epochs ?? rest.epochs,
        workers: flags.workers ?? rest.workers,
        backend: flags.backend ?? rest.backend,
      };
    } else {
      config = resolveTrainConfig(flags, {
        modelOptions: (flags.model ?? TRAIN_DEFAULTS.model) === 'seed-cnn' ? { bnMomentum: SEED_BN_MOMENTUM } : {},
      });
      if (flags.init !== undefined) config = await startingFrom(flags.init, flags, config, io);
      dir = flags.out ?? defaultRunDir(config.model);
    }
    if (existing) await checkResumable(dir, config, io);
    // Options the model does not have are refused before any folder is made.
    checkModelOptions(config.model, config.modelOptions);
    if (queue) await checkRedis(queue, io);
    // Claim the folder before anything slow, so that a clash is reported at once.
    const run = existing
      ? existing
      : flags.out !== undefined
        ? await RunFolder.create(flags.out, { force: flags.force, resumable: true })
        : await RunFolder.claim(dir);
    try {
      return await (queue ? runQueuedTrain(config, run, queue, io) : train(config, run, resume, io));
    } catch (error) {
      // A refused --data or model leaves no empty folder behind to block the corrected command.
      if (!existing) await run.discardIfUnstarted();
      throw error;
    }
  },
};

/**
 * One training run into `run`, reported on `io`: what `skelnorm train` does after its flags, and
 * what a `skelnorm worker` does with a `train --queue` job (which brings its own progress display
 * and stop signal instead of this process's Ctrl-C).
 */
export async function train(
  initial: TrainConfig,
  run: RunFolder,
  resume: boolean,
  io: CommandIO,
  queued: { readonly progress?: ProgressDisplay; readonly signal?: AbortSignal; readonly data?: TrainingData } = {},
): Promise<number> {
  let config = initial;
  const started = performance.now();
  const backend = await chooseBackend(config.backend, io);
  // A worker passes the data it already loaded and checked for the job.
  const data = queued.data ?? (await loadTrainingData(config, io));
  io.out(`data: ${data.description}`);
  const fingerprint = data.fingerprint();
  if (resume && config.dataFingerprint !== undefined && config.dataFingerprint !== fingerprint) {
    throw new UsageError(
      `--resume ${run.dir}: the data has changed since the run started (content hash ${fingerprint}, the run's ${config.dataFingerprint}: ${data.description}); ` +
        'resuming would mix two data sets in one run. Start a new run with --out',
    );
  }
  config = { ...config, dataFingerprint: fingerprint };
  if (data.frames !== config.frames) {
    io.out(`data: the samples have T=${data.frames} frames; the model is built for that (not --frames ${config.frames})`);
    config = { ...config, frames: data.frames };
  }
  const persons = config.modelOptions.persons ?? 2;
  if (!resume && data.persons !== persons) {
    io.out(`data: the samples have M=${data.persons} person slot${data.persons === 1 ? '' : 's'}; the model is built for that`);
    config = { ...config, modelOptions: { ...config.modelOptions, persons: data.persons } };
  }
  io.out(`run folder: ${run.dir}${resume ? ' (resuming)' : ''}`);
  await run.writeConfig({
    ...config,
    run: { startedAt: new Date().toISOString(), backend, cores: availableParallelism(), node: process.version, resumed: resume },
  });
  const progress = queued.progress ?? new ProgressDisplay(io);
  const interrupt = queued.signal ? { signal: queued.signal, release: () => undefined } : interruptSignal();
  let outcome;
  try {
    outcome = await trainModel(config, {
      data,
      run,
      progress,
      resume,
      signal: interrupt.signal,
      onModel: (model) => io.out(`model: ${describeModel(model.modelName, model.config)}`),
    });
  } finally {
    interrupt.release();
    progress.clear();
  }
  const { recorder } = outcome;
  const notes: string[] = [`engine: ${outcome.engine}`];
  if (outcome.interrupted) notes.push(`interrupted; continue with \`skelnorm train --resume ${run.dir}\``);
  if (recorder.error) {
    const nf = recorder.error.nonFinite;
    // Errors from worker replicas carry their stack in the message: the first line says it.
    notes.push(`stopped: ${recorder.error.error.message.split('\n')[0]}`);
    if (nf) {
      notes.push(
        `non-finite ${nf.quantity} at epoch ${nf.epoch + 1} step ${nf.step} (global step ${nf.globalStep})` +
          `${nf.layer ? `, first in layer ${nf.layer} (${nf.layerType ?? '?'})` : ''}${nf.inputNonFinite ? ', the input batch itself holds NaN/Inf' : ''}` +
          `${nf.lastGoodCheckpoint ? `; last good checkpoint: ${nf.lastGoodCheckpoint}` : ''}`,
      );
    }
  }
  const lastEpoch = recorder.history.epochs.at(-1);
  const gap = lastEpoch?.trainAccuracy !== undefined && lastEpoch.evalTop1 !== undefined ? lastEpoch.trainAccuracy - lastEpoch.evalTop1 : undefined;
  const gapHint =
    gap !== undefined && gap > 0.15 && String(config.modelOptions.norm ?? 'batch').includes('batch')
      ? `train/eval gap: ${(gap * 100).toFixed(1)} points (running train accuracy in train mode vs test accuracy in eval mode). ` +
        `\`skelnorm doctor ${run.dir}\` checks the BatchNorm statistics and repairs them; \`skelnorm ablate\` compares the fixes.`
      : undefined;
  if (gapHint) notes.push(gapHint);
  const epochsDone = recorder.history.epochs.length;
  const check = recorder.error || outcome.interrupted ? undefined : await checkBatchNorm(outcome.model, data, config, epochsDone * data.stepsPerEpoch(config.batchSize));
  const seconds = (performance.now() - started) / 1000;
  const report = renderRunReport({
    title: `skelnorm train: ${describeModel(outcome.model.modelName, outcome.model.config)}`,
    history: { ...recorder.history, ...(data.classNames ? { classNames: [...data.classNames] } : {}) },
    config: { ...config, data: data.description },
    backend,
    notes,
    ...(check && {
      sections: [{
        title: 'BatchNorm check (the doctor, nothing changed)',
        intro: 'What the eval-mode gap is made of, measured by the effect of each repair candidate in eval mode on a held-out slice of the training split (`skelnorm doctor` prints the same and `--repair` applies it).',
        lines: check.lines,
        outro: check.regime,
      }],
    }),
    wallSeconds: seconds,
  });
  for (const [name, svg] of Object.entries(report.files)) await run.writeText(name, svg);
  await run.writeText('report.md', report.markdown);
  outcome.model.dispose();

  if (recorder.error) {
    for (const note of notes.slice(1)) io.err(note);
    io.out(`report: ${run.reportPath}`);
    return 1;
  }
  const last = [...recorder.history.epochs].reverse().find((e) => e.evalTop1 !== undefined);
  if (last) {
    io.out(`final eval accuracy: ${(last.evalTop1! * 100).toFixed(1)}% top-1, ${(last.evalTop5! * 100).toFixed(1)}% top-5 (epoch ${last.epoch}, ${data.test.length} test samples)`);
  }
  if (gapHint) io.out(gapHint);
  if (check) io.out(check.headline);
  if (outcome.interrupted) io.out(`interrupted; continue with: skelnorm train --resume ${run.dir}`);
  io.out(`done in ${formatDuration(seconds)}; report: ${run.reportPath}`);
  if (recorder.lastCheckpoint) io.out(`checkpoint: ${recorder.lastCheckpoint}`);
  return outcome.interrupted ? 130 : 0;
}

/**
 * What `--resume DIR` continues from, checked before anything is written: a checkpoint that reads
 * back (a torn newer one is named, never skipped silently; none readable is an error, not a
 * restart from scratch), and an `--epochs` that extends the run.
 */
async function checkResumable(dir: string, config: TrainConfig, io: CommandIO): Promise<void> {
  const store = new FileCheckpointStore(join(dir, 'checkpoints'));
  const scan = await store.scan();
  if (scan.count === 0) throw new UsageError(`--resume ${dir}: no checkpoint in ${join(dir, 'checkpoints')}; nothing to continue (start a new run with --out)`);
  if (!scan.latest) {
    throw new UsageError(
      `--resume ${dir}: none of its ${scan.count} checkpoints reads back (${scan.skipped.map((s) => `${s.location}: ${s.reason}`).join('; ')}); ` +
        'refusing to restart from scratch in this folder',
    );
  }
  for (const s of scan.skipped) io.err(`note: skipped ${s.location} (${s.reason}); resuming from ${scan.latest.location}`);
  const state = readTrainerState(scan.latest.safetensors, scan.latest.location);
  if (config.epochs < state.epoch) {
    throw new UsageError(`--resume ${dir}: the run has done ${state.epoch} epochs; --epochs ${config.epochs} would not extend it (give more than ${state.epoch}); nothing was changed`);
  }
}

/** `seed-cnn (norm batch, personMode per-person, bnMomentum 0.01, ...)`: the resolved options. */
function describeModel(name: string, config: Readonly<Record<string, unknown>>): string {
  return `${name} (${Object.entries(config)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ')})`;
}

/** Options that a data set or a run decides, not the weights file. */
const RUN_DECIDED = new Set(['numClasses', 'frames', 'seed']);

/**
 * `--init FILE`: the model and its options come from the file (a PyTorch state dict's are inferred
 * from its shapes); model flags given explicitly still apply on top.
 */
async function startingFrom(path: string, flags: ParsedFlags<typeof FLAGS>, config: TrainConfig, io: CommandIO): Promise<TrainConfig> {
  const loaded = await loadModelFile(path, modelFileOptions(flags));
  try {
    for (const line of loaded.inferred ?? []) io.out(line);
    const fromFile = Object.fromEntries(Object.entries(loaded.model.config).filter(([k]) => !RUN_DECIDED.has(k)));
    const explicit = resolveTrainConfig({ ...flags, preset: undefined }).modelOptions;
    io.out(`init: ${loaded.model.modelName} from ${loaded.path}`);
    // A model whose weights fix the frames (the CNNs' first fully connected layer) takes them from the file.
    const frames = flags.frames === undefined && typeof loaded.model.config.frames === 'number' ? loaded.model.config.frames : config.frames;
    // The data takes the model's layout (a coco17 model trains on COCO keypoints); loadModelFile refused a --layout that differs.
    const layout = loaded.model.config['layout'];
    const { layout: _data, ...rest } = config;
    return { ...rest, ...(typeof layout === 'string' && layout !== 'ntu25' ? { layout: layout as LayoutName } : {}), frames, model: loaded.model.modelName, modelOptions: { ...fromFile, ...explicit }, init: path };
  } finally {
    loaded.model.dispose();
  }
}
