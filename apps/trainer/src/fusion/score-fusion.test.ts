import { describe, expect, it } from 'vitest';
import { parseScoreFile } from './score-file.js';
import { assertSameTestSamples, fuseScores, scoreAccuracy, softmax, type ScoreSet } from './score-fusion.js';

const LN3 = Math.log(3);

const set = (source: string, samples: [string, number, number[]][], numClasses = samples[0]![2].length): ScoreSet => ({
  source,
  numClasses,
  samples: samples.map(([name, label, logits]) => ({ name, label, logits })),
});

describe('softmax', () => {
  it('matches the hand calculation and survives large logits', () => {
    // e^0 : e^ln3 = 1 : 3
    expect(softmax([0, LN3])).toEqual([expect.closeTo(0.25, 12), expect.closeTo(0.75, 12)]);
    expect(softmax([1000, 1000 + LN3])).toEqual([expect.closeTo(0.25, 12), expect.closeTo(0.75, 12)]);
  });
});

describe('fuseScores', () => {
  const a = set('a', [
    ['s1', 0, [0, LN3]],
    ['s2', 1, [LN3, 0]],
  ]);
  const b = set('b', [
    ['s1', 0, [LN3, 0]],
    ['s2', 1, [0, 0]],
  ]);

  it('sums weighted softmax probabilities (prob) or raw logits (logits), per sample name', () => {
    // s1: 2 * [0.25, 0.75] + 1 * [0.75, 0.25] = [1.25, 1.75]; s2: 2 * [0.75, 0.25] + [0.5, 0.5] = [2, 1]
    const fused = fuseScores([a, b], [2, 1], 'prob');
    expect(fused.map((s) => s.name)).toEqual(['s1', 's2']);
    expect(fused[0]!.scores).toEqual([expect.closeTo(1.25, 12), expect.closeTo(1.75, 12)]);
    expect(fused[1]!.scores).toEqual([expect.closeTo(2, 12), expect.closeTo(1, 12)]);
    // s1: 2 * [0, ln3] + [ln3, 0] = [ln3, 2 ln3]
    expect(fuseScores([a, b], [2, 1], 'logits')[0]!.scores).toEqual([expect.closeTo(LN3, 12), expect.closeTo(2 * LN3, 12)]);
  });

  it('joins by name: a reordered input gives the same fusion, which joining by position would not', () => {
    const reversed: ScoreSet = { ...b, samples: [...b.samples].reverse() };
    expect(fuseScores([a, reversed], [2, 1], 'prob')).toEqual(fuseScores([a, b], [2, 1], 'prob'));
    expect(fuseScores([reversed, a], [1, 2], 'prob')).toEqual(fuseScores([a, b], [2, 1], 'prob'));
    // Position would pair a's s1 with b's s2: [0.5, 1.5] + [0.5, 0.5], a different score.
    expect(fuseScores([a, reversed], [2, 1], 'prob')[0]!.scores[0]).not.toBeCloseTo(2 * 0.25 + 0.5, 6);
  });

  it('wants one weight per input', () => {
    expect(() => fuseScores([a, b], [1], 'prob')).toThrow(/1 weights for 2 inputs/);
  });
});

describe('assertSameTestSamples', () => {
  const a = set('runs/joint', [
    ['S001C001P001R001A001', 0, [1, 0]],
    ['S001C001P002R001A002', 1, [0, 1]],
  ]);

  it('accepts the same samples in another order', () => {
    expect(() => assertSameTestSamples([a, { ...a, source: 'runs/bone', samples: [...a.samples].reverse() }])).not.toThrow();
  });

  it('names the first sample one input lacks, in either direction', () => {
    const fewer = set('runs/bone', [['S001C001P001R001A001', 0, [1, 0]]]);
    expect(() => assertSameTestSamples([a, fewer])).toThrow(/sample S001C001P002R001A002 of runs\/joint is missing from runs\/bone \(2 vs 1 test samples\)/);
    const other = set('runs/bone', [
      ['S001C001P001R001A001', 0, [1, 0]],
      ['S001C001P002R001A002', 1, [0, 1]],
      ['S001C001P003R001A001', 0, [1, 0]],
    ]);
    expect(() => assertSameTestSamples([a, other])).toThrow(/sample S001C001P003R001A001 of runs\/bone is missing from runs\/joint/);
  });

  it('refuses other class counts, disagreeing labels and repeated samples', () => {
    const three = set('runs/bone', [
      ['S001C001P001R001A001', 0, [1, 0, 0]],
      ['S001C001P002R001A002', 1, [0, 1, 0]],
    ]);
    expect(() => assertSameTestSamples([a, three])).toThrow(/runs\/bone scores 3 classes but runs\/joint scores 2/);
    const relabelled = set('runs/bone', [
      ['S001C001P001R001A001', 0, [1, 0]],
      ['S001C001P002R001A002', 0, [0, 1]],
    ]);
    expect(() => assertSameTestSamples([a, relabelled])).toThrow(/sample S001C001P002R001A002 has label 1 in runs\/joint but 0 in runs\/bone/);
    const twice = set('runs/bone', [
      ['S001C001P001R001A001', 0, [1, 0]],
      ['S001C001P001R001A001', 0, [1, 0]],
    ]);
    expect(() => assertSameTestSamples([a, twice])).toThrow(/runs\/bone: sample S001C001P001R001A001 appears twice/);
  });
});

describe('scoreAccuracy', () => {
  it("counts top-1 by the first largest score and top-k as fewer than k classes strictly above, like evaluate", () => {
    const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
    const acc = scoreAccuracy(
      [
        { label: 0, scores }, // top-1 hit
        { label: 4, scores }, // 4 above: top-5 hit
        { label: 5, scores }, // 5 above: miss
        { label: 1, scores: [0.5, 0.5, 0, 0, 0, 0] }, // tie: argmax picks class 0, but nothing is strictly above
      ],
      6,
    );
    expect(acc.top1).toBe(1 / 4);
    expect(acc.top5).toBe(3 / 4);
    expect(acc.perClassCount).toEqual([1, 1, 0, 0, 1, 1]);
    expect(acc.perClassAccuracy[0]).toBe(1);
    expect(acc.perClassAccuracy[1]).toBe(0);
    expect(acc.perClassAccuracy[2]).toBeNaN();
  });
});

describe('parseScoreFile', () => {
  const good = { checkpoint: 'c', data: 'd', numClasses: 2, samples: [{ name: 's1', label: 1, logits: [0, 1] }] };
  it('reads what eval --scores writes', () => {
    expect(parseScoreFile(good, 'f.json')).toEqual({ source: 'f.json', numClasses: 2, samples: good.samples });
  });
  it('names the file and the sample of bad input', () => {
    expect(() => parseScoreFile([], 'f.json')).toThrow(/f\.json is not a JSON object/);
    expect(() => parseScoreFile({ ...good, numClasses: 0 }, 'f.json')).toThrow(/f\.json: numClasses must be a positive integer, got 0/);
    expect(() => parseScoreFile({ ...good, samples: [] }, 'f.json')).toThrow(/f\.json: expected a non-empty samples array/);
    expect(() => parseScoreFile({ ...good, samples: [{ name: 's1', label: 2, logits: [0, 1] }] }, 'f.json')).toThrow(/f\.json: sample s1 has label 2; expected an integer in \[0, 2\)/);
    expect(() => parseScoreFile({ ...good, samples: [...good.samples, { name: 's2', label: 0, logits: [0] }] }, 'f.json')).toThrow(/f\.json: sample s2 has 1 logits; expected 2/);
    expect(() => parseScoreFile({ ...good, samples: [{ name: 's1', label: 0, logits: [0, null] }] }, 'f.json')).toThrow(/f\.json: sample s1 has logit null for class 1; expected a finite number/);
    expect(() => parseScoreFile({ fusion: {}, numClasses: 2, samples: [] }, 'fused.json')).toThrow(/fused\.json holds fused scores written by `skelnorm ensemble`/);
  });
});
