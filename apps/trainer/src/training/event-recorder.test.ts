import { describe, expect, it } from 'vitest';
import { emptyHistory } from '../report/run-history.js';
import { replayMetrics } from './event-recorder.js';

const start = (epoch: number, globalStep: number) => ({ type: 'start', epochs: 2, epoch, step: 0, globalStep, seed: 0, numParameters: 1, optimizer: { name: 'sgd', lr: 0.1 }, engine: 'local', stepsPerEpoch: 2 });
const step = (epoch: number, s: number, globalStep: number, loss: number | string) => ({ type: 'step', epoch, step: s, globalStep, stepsPerEpoch: 2, loss, accuracy: 0.5 });

describe('replayMetrics', () => {
  it('rebuilds the history and drops what a killed run logged after its last checkpoint', () => {
    const records = [
      start(0, 0),
      step(0, 1, 1, 2.0),
      step(0, 2, 2, 1.5),
      { type: 'epoch', epoch: 0, steps: 2, samples: 8, loss: 1.75, accuracy: 0.5, lr: 0.1, seconds: 1 },
      { type: 'eval', epoch: 0, split: 'test', loss: 1.9, top1: 0.25, top5: 1, result: { confusion: [[1, 0], [1, 0]], perClassAccuracy: [1, 0] } },
      // Killed mid-epoch 2 after its first step ...
      step(1, 1, 3, 'NaN'),
      // ... and resumed from the end-of-epoch-1 checkpoint, which repeats step 3.
      start(1, 2),
      step(1, 1, 3, 1.2),
      step(1, 2, 4, 1.0),
      { type: 'epoch', epoch: 1, steps: 2, samples: 8, loss: 1.1, accuracy: 0.75, lr: 0.1, seconds: 1 },
    ];
    const history = emptyHistory();
    replayMetrics(records, history);
    expect(history.steps.map((s) => [s.step, s.loss])).toEqual([
      [1, 2.0],
      [2, 1.5],
      [3, 1.2],
      [4, 1.0],
    ]);
    expect(history.epochs.map((e) => [e.epoch, e.trainLoss, e.evalTop1])).toEqual([
      [1, 1.75, 0.25],
      [2, 1.1, undefined],
    ]);
    expect(history.confusion).toEqual([[1, 0], [1, 0]]);
  });
});
