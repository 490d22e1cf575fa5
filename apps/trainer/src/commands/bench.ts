import { mkdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { ANCHOR_TWO_PERSON_EVERY, benchSeedCnnStep, DEFAULT_PYTHON, TORCH_ANCHOR_SCRIPT, type BenchResult, type StepBenchConfiguration, type StepBenchRound, type StepBenchSummary } from '@skelnorm/trainer/node';
import { formatFlags, parseFlags } from '../args/flags.js';
import { UsageError, type Command, type CommandIO } from '../command.js';
import { writeFileAtomic } from '../run/run-folder.js';
import { assertFileOutputFree } from '../run/output-guard.js';
import { chooseBackend } from '../training/backend-choice.js';
import { BACKENDS } from '../training/train-config.js';

const FLAGS = {
  workers: { type: 'list', description: 'worker replicas, one configuration each (0 = main thread with --backend), e.g. 1,2', default: '2', placeholder: 'N[,N]' },
  'person-sparse': { type: 'choice', choices: ['on', 'off', 'both'], description: 'absent persons computed once (on), every person slot computed (off), or both', default: 'on' },
  'batch-size': { type: 'int', description: 'batch size', min: 2, default: 64 },
  steps: { type: 'int', description: 'timed steps', min: 1, default: 10 },
  warmup: { type: 'int', description: 'untimed steps first', min: 0, default: 2 },
  rounds: { type: 'int', description: 'rounds, each timing every configuration then the tuned and the plain anchor, so all see the same machine; medians reported', min: 1, default: 3 },
  'two-person-every': { type: 'int', description: 'NTU-like batches: only every k-th sample has a second person (1 = all)', min: 1, default: 6 },
  backend: { type: 'choice', choices: BACKENDS, description: 'backend of the main thread (default auto); workers take wasm or cpu; a GPU backend (node-gpu, node-webgpu) needs --workers 0' },
  threads: { type: 'int', description: 'PyTorch threads', min: 1, default: 2 },
  python: { type: 'string', description: 'Python with PyTorch', default: DEFAULT_PYTHON, placeholder: 'PATH' },
  'no-torch': { type: 'boolean', description: 'skip the PyTorch anchor' },
  profile: { type: 'boolean', description: 'time every kernel of our step and print the slowest (needs --workers 0)' },
  out: { type: 'string', description: 'JSON file (default bench-results/bench-<time>.json); an existing one is refused unless --force', placeholder: 'FILE' },
  force: { type: 'boolean', description: 'replace an existing --out file' },
} as const;

const usage = `Usage: skelnorm bench [options]

Training step of the seed CNN (BatchNorm momentum 0.01, one call per person, dropout, Adam, batch 64,
[2, 64, 25, 3] per sample with one sample in six two-person, 60 classes) with data-parallel workers,
against the PyTorch anchor (${TORCH_ANCHOR_SCRIPT}: the same step in the fastest PyTorch formulation,
and with --plain nn.Linear as Debian ships it) in the same run, alternating round by round (a shared
machine's speed drifts by tens of percent within minutes). Prints each round, then per configuration
the median over rounds of ms/step, samples/s and the throughput ratio to the tuned and the plain
anchor; writes JSON. Without torch our side is measured and the JSON says why the anchor is missing.

Options:
${formatFlags(FLAGS)}`;

const sparseLabel = (sparse: boolean) => (sparse ? 'sparse' : 'dense');
const ratio = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)}x`);

function roundLine(round: number, result: StepBenchRound, configurations: readonly StepBenchConfiguration[]): string {
  const ours = result.skelnorm.map((r, i) =>
    `skelnorm ${r.medianMsPerStep.toFixed(0)} ms/step (${sparseLabel(configurations[i]!.personSparse)}, engine ${r.engine})`);
  const anchors = [result.pytorch, result.pytorchPlain].flatMap((a) => (a ? [`${a.runner} ${a.medianMsPerStep.toFixed(0)} ms/step`] : []));
  return `round ${round}: ${[...ours, ...anchors].join(', ')}`;
}

function summaryLine(row: StepBenchSummary, rounds: number): string {
  const what = row.runner === 'skelnorm' ? `skelnorm ${sparseLabel(row.personSparse!)}, engine ${row.engine}` : `${row.runner}, ${row.engine}`;
  const vs = row.runner === 'skelnorm' ? `, vs tuned ${ratio(row.vsTuned)}, vs plain ${ratio(row.vsPlain)}, ${row.cpuMsPerStep!.toFixed(0)} CPU ms/step` : '';
  return `${what}: ${row.msPerStep.toFixed(0)} ms/step (median of ${rounds} rounds), ${row.samplesPerSecond.toFixed(1)} samples/s${vs}`;
}

function kernelTable(configuration: StepBenchConfiguration, result: BenchResult): string {
  const kernels = result.kernels ?? [];
  const inKernels = kernels.reduce((sum, k) => sum + k.msPerStep, 0);
  const lines = [`kernels, ${sparseLabel(configuration.personSparse)} (last round): ${inKernels.toFixed(0)} of ${result.msPerStep.toFixed(0)} ms/step in kernels`];
  lines.push(`${'kernel'.padEnd(26)}${'ms/step'.padStart(9)}${'calls/step'.padStart(12)}${'%'.padStart(7)}`);
  for (const k of kernels.slice(0, 15)) {
    lines.push(`${k.kernel.padEnd(26)}${k.msPerStep.toFixed(1).padStart(9)}${k.callsPerStep.toFixed(0).padStart(12)}${((100 * k.msPerStep) / result.msPerStep).toFixed(1).padStart(7)}`);
  }
  return lines.join('\n');
}

export const command: Command = {
  name: 'bench',
  summary: 'training step of the seed CNN against the PyTorch anchor (tuned and plain), when torch is installed',
  usage,
  async run(args, io: CommandIO) {
    const { flags } = parseFlags(args, FLAGS);
    const out = flags.out ?? `bench-results/bench-${new Date().toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-')}.json`;
    await assertFileOutputFree(out, { force: flags.force });
    if (!flags['no-torch'] && flags['two-person-every'] !== ANCHOR_TWO_PERSON_EVERY) {
      throw new UsageError(`--two-person-every ${flags['two-person-every']}: the PyTorch anchor's batches have every ${ANCHOR_TWO_PERSON_EVERY}th sample two-person, so a ratio needs that; add --no-torch to time another mix`);
    }
    const workers = flags.workers!.map((w) => {
      const n = Number(w);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--workers expects non-negative integers, got '${w}'`);
      return n;
    });
    if (flags.profile && workers.some((w) => w !== 0)) throw new UsageError('--profile times the kernels of this thread: use --workers 0');
    const sparse = { on: [true], off: [false], both: [true, false] }[flags['person-sparse']!];
    const configurations = workers.flatMap((w) => sparse.map((personSparse) => ({ workers: w, personSparse })));
    const prefer = flags.backend ?? 'auto';
    // Workers run their own wasm or cpu tfjs; a GPU backend can only drive this thread's step.
    const workerBackend = prefer === 'wasm' || prefer === 'cpu' ? prefer : 'auto';
    if (workerBackend === 'auto' && prefer !== 'auto' && workers.some((w) => w !== 0)) {
      throw new UsageError(`--backend ${prefer} runs in this thread only: use --workers 0`);
    }
    const backend = await chooseBackend(prefer, io);
    io.out(`skelnorm: seed CNN, batch ${flags['batch-size']}, workers ${workers.join(',')}, person-sparse ${flags['person-sparse']}, ` +
      `${flags.steps} steps after ${flags.warmup} warm-up, ${flags.rounds} rounds...`);
    const report = await benchSeedCnnStep({
      configurations,
      batchSize: flags['batch-size']!, steps: flags.steps!, warmupSteps: flags.warmup!, rounds: flags.rounds!,
      twoPersonEvery: flags['two-person-every']!, backend: workerBackend,
      torch: flags['no-torch'] ? false : { python: flags.python!, threads: flags.threads! },
      profile: flags.profile,
      onRound: (round, result) => io.out(roundLine(round, result, configurations)),
    });
    if (report.torchNote !== null) io.out(`pytorch anchor: ${report.torchNote}`);
    for (const row of report.summary) io.out(summaryLine(row, report.rounds.length));
    if (flags.profile) for (const [i, c] of configurations.entries()) io.out(kernelTable(c, report.rounds.at(-1)!.skelnorm[i]!));
    const first = report.summary[0]!;
    const tuned = report.summary.find((r) => r.runner === 'pytorch-tuned');
    const plain = report.summary.find((r) => r.runner === 'pytorch-plain');
    await mkdir(dirname(out), { recursive: true });
    const json = {
      date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', mainBackend: backend,
      // The first configuration against the tuned anchor, as earlier versions of this file had it.
      skelnormMsPerStep: first.msPerStep, pytorchMsPerStep: tuned?.msPerStep ?? null, pytorchPlainMsPerStep: plain?.msPerStep ?? null,
      ratio: first.vsTuned, ratioPlain: first.vsPlain, pytorchNote: report.torchNote, torch: report.torch,
      settings: { batchSize: report.batchSize, steps: report.steps, warmupSteps: report.warmupSteps, twoPersonEvery: report.twoPersonEvery, threads: flags.threads },
      summary: report.summary,
      rounds: report.rounds,
    };
    await writeFileAtomic(out, JSON.stringify(json, null, 2) + '\n');
    io.out(`wrote ${out}`);
    return 0;
  },
};
