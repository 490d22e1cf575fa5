import { UsageError, type CommandIO } from '../command.js';
import { withDataFlags } from '../commands/eval.js';
import { evalClipConfig } from '../training/clip-config.js';
import { assertDataFitsModel } from '../training/data-fits-model.js';
import { loadTrainingData } from '../training/load-training-data.js';
import { loadModelFile } from '../training/model-file.js';
import { sampleScores } from '../training/sample-scores.js';
import type { TrainConfig } from '../training/train-config.js';
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
    // The run's own stream, sampling and test clips, as `eval` applies them (augmentation is training's only).
    const { stream: _s, sampling: _p, testClips: _c, augment: _a, ...dataConfig } = withDataFlags(loaded.config, {}, loaded.model.config);
    const config: TrainConfig = { ...dataConfig, ...evalClipConfig(loaded.config, {}, loaded.path) };
    const data = await loadTrainingData(config);
    assertDataFitsModel(data, loaded.model, loaded.path);
    const test = data.testClipSamples(config.testClips ?? 1);
    const samples = await sampleScores(loaded.model, test.samples, options.batchSize ?? config.evalBatchSize ?? 64, test.clipsOf);
    io.out(`${arg}: ${loaded.model.modelName} from ${loaded.path}, ${samples.length} test samples of ${data.description}`);
    // What the model outputs, which may be more classes than its test data holds (as a score file reads back).
    const numClasses = samples[0]?.logits.length ?? data.numClasses;
    return { source: arg, numClasses, samples, ...(data.classNames?.length === numClasses && { classNames: data.classNames }) };
  } finally {
    loaded.model.dispose();
  }
}
