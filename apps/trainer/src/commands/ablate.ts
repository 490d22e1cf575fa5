import { mkdir } from 'node:fs/promises';
import { formatFlags, parseFlags } from '../args/flags.js';
import { UsageError, type Command } from '../command.js';
import { ablationJson, ablationMarkdown, ablationSvg, summarizeAblation, type AblationMeta } from '../ablation/ablation-table.js';
import { runAblation } from '../ablation/run-ablation.js';
import { parseQueueUrl } from '../queue/queue-url.js';
import { checkRedis } from '../queue/redis-connection.js';
import { runQueuedAblation } from '../queue/queued-ablation.js';
import { ABLATION_VARIANTS, SEED_MODEL_OPTIONS, selectVariants } from '../ablation/variants.js';
import { formatDuration } from '../report/run-report.js';
import { defaultRunDir, RunFolder } from '../run/run-folder.js';
import { chooseBackend } from '../training/backend-choice.js';
import { interruptSignal } from '../training/interrupt.js';
import { loadTrainingData } from '../training/load-training-data.js';
import { resolveTrainConfig, TRAINING_FLAGS } from '../training/train-config.js';

/**
 * The default budget: every variant x 3 seeds on the default synthetic set for a few epochs.
 * Sized for ~30-40 minutes on 2 cores; `--seeds`, `--epochs`, `--variants` trade time for detail.
 */
export const ABLATE_DEFAULTS = { seeds: [0, 1, 2], epochs: 4 } as const;

const { model: _m, norm: _n, 'person-mode': _p, 'no-running-stats': _r, recalibrate: _c, 'no-shuffle': _s, seed: _seed, ...SHARED } = TRAINING_FLAGS;

const FLAGS = {
  seeds: { type: 'list', description: `seeds, comma-separated (default ${ABLATE_DEFAULTS.seeds.join(',')})`, placeholder: 'S,S,...' },
  variants: { type: 'list', description: 'variants to run, comma-separated (default: all; see below)', placeholder: 'V,V,...' },
  out: { type: 'string', description: 'output folder (default runs/<time>-ablation); an existing one is refused unless --force', placeholder: 'DIR' },
  force: { type: 'boolean', description: 'replace an existing --out folder' },
  queue: { type: 'string', description: 'train on `skelnorm worker` processes anywhere: one job per run on this Redis (redis://HOST:PORT[/DB]); finished jobs are reused by a rerun', placeholder: 'URL' },
  checkpoints: { type: 'string', description: 'with --queue: a folder every worker can write; each trained model is saved there as <job id>.safetensors', placeholder: 'DIR' },
  ...SHARED,
  'bn-momentum': {
    ...TRAINING_FLAGS['bn-momentum'],
    description: "the seed's BatchNorm momentum for every variant but bn-momentum-0.1 (default 0.01; 0.1 takes the running averages' lag out, leaving the person handling)",
  },
  epochs: { ...TRAINING_FLAGS.epochs, description: `training epochs per run (default ${ABLATE_DEFAULTS.epochs})` },
  'batch-size': { ...TRAINING_FLAGS['batch-size'], description: `the seed's batch size (default 32; bn-small-batch / 4, bn-large-batch x 4)` },
} as const;

const usage = `Usage: skelnorm ablate [options]

Trains the seed CNN once per variant and seed on the same data with the same schedule and writes
ablation.md, ablation.json and ablation.svg: running train accuracy (train mode), train accuracy
in eval mode, test accuracy, test accuracy with batch statistics, the gap, and the time, as
mean ± sd over seeds. The seed's configuration: BatchNorm with momentum 0.01 (--bn-momentum),
persons one call each. Default budget: ${ABLATION_VARIANTS.length} variants x ${ABLATE_DEFAULTS.seeds.length} seeds x ${ABLATE_DEFAULTS.epochs} epochs on the default synthetic set
(bn-precise and bn-repaired reuse the seed's runs), about 30-40 minutes on 2 cores.
With --queue, \`skelnorm worker\` processes on any number of machines train the runs (one job
each, same numbers) and this command collects the table; the same command again reuses finished jobs.

Variants:
${ABLATION_VARIANTS.map((v) => `  ${v.name.padEnd(22)}${v.description}`).join('\n')}

Options:
${formatFlags(FLAGS)}`;

export const command: Command = {
  name: 'ablate',
  summary: 'the normalization ablation: every fix for the seed\'s train/eval gap, side by side, over seeds',
  usage,
  async run(args, io) {
    const { flags } = parseFlags(args, FLAGS);
    const seeds = (flags.seeds ?? ABLATE_DEFAULTS.seeds.map(String)).map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--seeds expects non-negative integers, got '${s}'`);
      return n;
    });
    if (seeds.length === 0) throw new UsageError('--seeds needs at least one seed, e.g. --seeds 0,1');
    const variants = selectVariants(flags.variants);
    const queue = flags.queue !== undefined ? parseQueueUrl(flags.queue) : undefined;
    if (flags.checkpoints !== undefined && !queue) throw new UsageError('--checkpoints goes with --queue (the workers save their trained models there)');
    let seedConfig = resolveTrainConfig(
      { ...flags, model: 'seed-cnn', norm: undefined, 'person-mode': undefined, 'no-running-stats': false, recalibrate: false, 'no-shuffle': false, seed: undefined },
      { modelOptions: { ...SEED_MODEL_OPTIONS }, epochs: flags.epochs ?? ABLATE_DEFAULTS.epochs },
    );
    const started = performance.now();
    if (queue) await checkRedis(queue, io);
    // Made here, so that a folder this machine cannot make fails now; each worker makes it on its own mount too.
    if (flags.checkpoints !== undefined) await mkdir(flags.checkpoints, { recursive: true });
    // With --queue this process trains nothing: the workers choose their backends (the job's --backend).
    const backend = queue ? { name: `${seedConfig.backend} on the queue's workers`, reason: queue.text } : await chooseBackend(seedConfig.backend, io);
    const data = await loadTrainingData(seedConfig, io);
    io.out(`data: ${data.description}`);
    if (data.frames !== seedConfig.frames) seedConfig = { ...seedConfig, frames: data.frames };
    const folder = flags.out !== undefined ? await RunFolder.create(flags.out, { force: flags.force, what: 'ablation' }) : await RunFolder.claim(defaultRunDir('ablation'));
    io.out(`output: ${folder.dir}; ${variants.length} variants x ${seeds.length} seeds, ${seedConfig.epochs} epochs each, batch ${seedConfig.batchSize}, ${seedConfig.workers} workers`);
    await folder.writeConfig({ seedConfig, seeds, variants: variants.map((v) => v.name), backend });
    const meta: AblationMeta = {
      command: ['skelnorm ablate', ...args].join(' '),
      seeds,
      epochs: seedConfig.epochs,
      batchSize: seedConfig.batchSize,
      data: data.description,
      backend: `${backend.name}, ${seedConfig.workers} workers`,
    };
    const write = async (runs: Parameters<typeof summarizeAblation>[0], notes: string[] = []) => {
      const rows = summarizeAblation(runs, variants);
      const m = { ...meta, notes: [...notes, `wall time so far: ${formatDuration((performance.now() - started) / 1000)}`] };
      await folder.writeText('ablation.md', ablationMarkdown(rows, m, runs));
      await folder.writeText('ablation.json', ablationJson(rows, runs, m));
      await folder.writeText('ablation.svg', ablationSvg(rows));
      return rows;
    };
    const interrupt = interruptSignal();
    let runs;
    let notes: string[] = [];
    try {
      const plan = { seedConfig, variants, seeds, data, dir: folder.dir, io, signal: interrupt.signal, onRun: async (r: Parameters<typeof summarizeAblation>[0]) => void (await write(r)) };
      if (queue) ({ runs, notes } = await runQueuedAblation({ ...plan, url: queue, ...(flags.checkpoints !== undefined && { checkpointDir: flags.checkpoints }) }));
      else runs = await runAblation(plan);
    } finally {
      interrupt.release();
    }
    const interrupted = interrupt.signal.aborted;
    await write(runs, [...notes, ...(interrupted ? ['interrupted: the table holds the runs that finished'] : [])]);
    const markdown = ablationMarkdown(summarizeAblation(runs, variants), meta, runs);
    io.out('');
    for (const line of markdown.split('\n').filter((l) => l.startsWith('|'))) io.out(line);
    io.out('');
    io.out(`done in ${formatDuration((performance.now() - started) / 1000)}; table: ${folder.path('ablation.md')} (+ .json, .svg)`);
    return runs.some((r) => r.error) ? 1 : interrupted ? 130 : 0;
  },
};
