import { evaluate } from '@skelnorm/trainer';
import { applyLayerStatistics, type DiagnosisReport } from '@skelnorm/norm';
import { formatFlags, parseFlags } from '../args/flags.js';
import { UsageError, type Command, type CommandIO } from '../command.js';
import { chooseBackend } from '../training/backend-choice.js';
import { loadTrainingData } from '../training/load-training-data.js';
import { assertDataFitsModel } from '../training/data-fits-model.js';
import { loadModelFile, modelFileOptions, MODEL_FILE_FLAG, MODEL_LAYOUT_FLAG, saveModelFile } from '../training/model-file.js';
import { rebuildModel, type SkeletonModel } from '@skelnorm/models';
import { assertFileOutputFree } from '../run/output-guard.js';
import { repairOnTrainingData } from '../training/repair-model.js';
import { BACKENDS, TRAINING_FLAGS } from '../training/train-config.js';
import { repairSummary } from '../report/repair-summary.js';
import { withDataFlags } from '../training/eval-data.js';
import { percent as pct } from '../report/percent.js';

const FLAGS = {
  data: TRAINING_FLAGS.data,
  split: TRAINING_FLAGS.split,
  coords: TRAINING_FLAGS.coords,
  model: MODEL_FILE_FLAG,
  layout: MODEL_LAYOUT_FLAG,
  repair: { type: 'boolean', description: 'write the repaired model to --out' },
  out: { type: 'string', description: 'where --repair writes the repaired checkpoint (.safetensors); an existing file is refused unless --force, the input always', placeholder: 'FILE' },
  force: { type: 'boolean', description: 'replace an existing --out file' },
  'batch-size': { type: 'int', description: 'batch size of the statistics pass (default: the training batch size)', min: 2 },
  backend: { type: 'choice', choices: BACKENDS, description: 'tfjs backend (default auto)' },
} as const;

const usage = `Usage: skelnorm doctor <checkpoint | run folder | PyTorch state dict> [--data DIR] [--repair --out FILE]

The BatchNorm doctor: one pass over the training split measures, for every BatchNorm layer, how
often it runs per forward pass and, per channel, how wrongly eval mode normalizes each call site:
with the running statistics (lag), and with one set of statistics for all calls (the blend of a
layer shared by the persons). Then the candidates are scored in eval mode on a held-out slice of
the training split: (a) the running statistics, (b) PreciseBN, (c) PreciseBN per person slot, and
(d) batch statistics as the reference; the best of (b)/(c) is kept unless it is worse than (a).
Prints the verdicts, the scores, the cause of the gap, per layer what changed and why, and the
test accuracy before and after (no retraining). --repair writes the repaired model.

A plain PyTorch state dict (recognised by its keys, or --model NAME) is repaired into one that
loads with load_state_dict(..., strict=True) into the unchanged PyTorch model. When the better
repair needs per-person statistics, which that model cannot hold, it is written beside it as
FILE's stem + .per-person.safetensors (see the README for the PyTorch lines that use it).

Options:
${formatFlags(FLAGS)}`;

const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

export const command: Command = {
  name: 'doctor',
  summary: 'diagnose the BatchNorm layers of a checkpoint, show the fix, optionally repair it',
  usage,
  async run(args, io) {
    const { flags, positionals } = parseFlags(args, FLAGS, { positionals: { min: 1, max: 1 } });
    if (flags.repair && !flags.out) throw new UsageError('--repair needs --out FILE');
    if (flags.out && !flags.repair) throw new UsageError('--out goes with --repair');
    await chooseBackend(flags.backend ?? 'auto', io);
    const loaded = await loadModelFile(positionals[0]!, modelFileOptions(flags));
    for (const note of loaded.notes) io.err(note);
    for (const line of loaded.inferred ?? []) io.out(line);
    let model = loaded.model;
    let unchanged: SkeletonModel | undefined;
    try {
      // Before any work: never replace what exists without --force, never the checkpoint read here.
      if (flags.out) await assertFileOutputFree(flags.out, { force: flags.force, inputs: [loaded.path] });
      // A PyTorch state dict may also get a per-person file beside --out: refused now, not after the work.
      if (flags.out && loaded.inferred) await assertFileOutputFree(perPersonPath(flags.out), { force: flags.force, inputs: [loaded.path] });
      io.out(`model: ${model.modelName} ${JSON.stringify(model.config)} from ${loaded.path}`);
      const config = withDataFlags(loaded.config, flags, model.config);
      const data = await loadTrainingData(config, io);
      assertDataFitsModel(data, model, loaded.path);
      io.out(`data: ${data.description}`);
      const statsBatch = flags['batch-size'] ?? config.batchSize ?? 32;
      const evalBatch = config.evalBatchSize ?? 64;
      // Test accuracy as eval reports it: with the run's test clips averaged (uniform sampling).
      const clips = config.testClips ?? 1;

      const before = await evaluate(model, data.testBatches(evalBatch, { clips }), { numClasses: data.numClasses });
      const beforeBatchStats = await evaluate(model, data.statisticsBatches('test', statsBatch), { numClasses: data.numClasses, batchStatistics: true });
      // A PyTorch user's file must load back into their unchanged code: keep a copy to repair without
      // changing the architecture if the best repair does.
      if (loaded.inferred && flags.repair) unchanged = rebuildModel(model);
      const repaired = await repairOnTrainingData(model, data, statsBatch, evalBatch);
      model = repaired.model;
      printDiagnosis(repaired.before, io);
      io.out('');
      io.out('repair (no retraining):');
      for (const line of repairSummary(repaired, repaired)) io.out(`  ${line}`);
      const after = await evaluate(model, data.testBatches(evalBatch, { clips }), { numClasses: data.numClasses });
      io.out('');
      const clipNote = clips > 1 ? `, ${clips} clips each` : '';
      io.out(`test accuracy before: ${pct(before.top1)} (eval mode${clipNote}; ${pct(beforeBatchStats.top1)} with batch statistics)`);
      io.out(`test accuracy after:  ${pct(after.top1)} (eval mode, repaired)  ${after.top1 >= before.top1 ? '+' : ''}${((after.top1 - before.top1) * 100).toFixed(1)} points`);
      if (flags.repair && flags.out && unchanged && repaired.converted.length > 0) {
        const perPerson = perPersonPath(flags.out);
        // The same pass decided what the unchanged architecture keeps: written, not recomputed.
        const kept = repaired.sharedAlternative;
        if (kept === undefined) throw new Error('doctor: the per-slot repair reported no shared-statistics alternative');
        if (kept.chosen === 'precise') applyLayerStatistics(unchanged, kept.statistics);
        const keptAfter = await evaluate(unchanged, data.testBatches(evalBatch, { clips }), { numClasses: data.numClasses });
        await saveModelFile(flags.out, unchanged, { ...unchanged.config }, undefined);
        await saveModelFile(perPerson, model, repaired.options, undefined);
        io.out(`wrote ${flags.out}: ${kept.chosen} statistics, the same state-dict names as the input (loads with strict=True into the unchanged model); test ${pct(keptAfter.top1)}`);
        io.out(`wrote ${perPerson}: per-person statistics (${repaired.converted.map((c) => c.name).join(', ')}), which the unchanged model cannot hold; test ${pct(after.top1)} (see the README, "Repairing a PyTorch model")`);
      } else if (flags.repair && flags.out) {
        await saveModelFile(flags.out, model, repaired.options, loaded.inferred ? undefined : config);
        io.out(`wrote repaired model: ${flags.out} (evaluate with: skelnorm eval ${flags.out})`);
      }
    } finally {
      model.dispose();
      unchanged?.dispose();
    }
    return 0;
  },
};

function printDiagnosis(report: DiagnosisReport, io: CommandIO): void {
  io.out(`diagnosis over ${report.batches} training batches: ${report.summary}`);
  io.out('(blend and lag: how wrongly eval mode normalizes a channel, in output sigmas: a call site with the statistics of all calls pooled, and the running statistics against the pooled population)');
  if (report.layers.length === 0) {
    io.out('no BatchNorm layers: nothing to diagnose');
    return;
  }
  const rows = report.layers.map((l) => [
    l.name,
    l.kind,
    String(l.callsPerForward),
    l.momentum === null ? 'cumulative' : String(l.momentum),
    num(l.meanShiftSigma?.mean),
    num(l.varianceRatio?.mean),
    l.sharing ? `${num(l.sharing.max)} (${l.sharing.channelsOver}/${l.sharing.channels})` : '–',
    l.lag ? num(l.lag.max) : '–',
    l.verdict,
  ]);
  const header = ['layer', 'kind', 'calls', 'momentum', 'mean shift (σ)', 'var ratio', 'blend: worst site (channels over)', 'lag: worst channel', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  io.out(line(header));
  for (const row of rows) io.out(line(row));
  // Messages per layer; the fixes, which layers mostly share, once, most direct first.
  const fixes: string[] = [];
  for (const l of report.layers) {
    if (l.fixes.length === 0) continue;
    io.out(`${l.message}`);
    for (const fix of l.fixes) if (!fixes.includes(fix)) fixes.push(fix);
  }
  if (fixes.length > 0) {
    io.out('fixes:');
    for (const fix of fixes) io.out(`  - ${fix}`);
  }
}

/** Where the per-person version of a repaired PyTorch state dict goes: beside FILE, `<stem>.per-person.safetensors`. */
export function perPersonPath(out: string): string {
  return `${out.replace(/\.safetensors$/, '')}.per-person.safetensors`;
}
