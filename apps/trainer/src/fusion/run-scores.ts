import { UsageError, type CommandIO } from '../command.js';
import { loadEvalData } from '../training/eval-data.js';
import { loadModelFile } from '../training/model-file.js';
import { sampleScores } from '../training/sample-scores.js';
import type { ScoreSet } from './score-fusion.js';

/**
 * The test scores of a run folder or checkpoint, by the path `skelnorm eval --scores` takes: the
 * model file, the data its run recorded (with its stream, sampling and test clips), eval-mode logits
 * of every test sample (averaged over its clips).
 */
export async function runTestScores(arg: string, io: CommandIO, options: { readonly batchSize?: number } = {}): Promise<ScoreSet> {
  const loaded = await loadModelFile(arg);
  try {
    for (const note of loaded.notes) io.err(note);
    if (!loaded.config) {
      throw new UsageError(`${arg} records no data (a plain weights file); write its scores with \`skelnorm eval ${arg} --data DIR --scores FILE\` and pass that file`);
    }
    const { config, data, clips } = await loadEvalData(loaded, {}, io);
    const test = data.testClipSamples(clips);
    const samples = await sampleScores(loaded.model, test.samples, options.batchSize ?? config.evalBatchSize ?? 64, test.clipsOf);
    io.out(`${arg}: ${loaded.model.modelName} from ${loaded.path}, ${samples.length} test samples of ${data.description}`);
    // What the model outputs, which may be more classes than its test data holds (as a score file reads back).
    const numClasses = samples[0]?.logits.length ?? data.numClasses;
    return { source: arg, numClasses, samples, ...(data.classNames?.length === numClasses && { classNames: data.classNames }) };
  } finally {
    loaded.model.dispose();
  }
}
