import { describe, expect, it } from 'vitest';
import { barChartSvg } from './bar-chart.js';
import { confusionMatrixSvg } from './confusion-matrix-chart.js';
import { lineChartSvg } from './line-chart.js';
import { niceTicks } from './svg-markup.js';
import { findAll, parseXml, textContent, type XmlElement } from '@skelnorm/test-support';

/** The vertices of an `M x,y L x,y ...` path. */
const pathPoints = (path: XmlElement) => path.attributes.d!.slice(1).split('L').map((p) => p.split(',').map(Number));

function expectStandaloneSvg(svg: string) {
  expect(svg.startsWith('<?xml')).toBe(true);
  const root = parseXml(svg);
  expect(root.name).toBe('svg');
  expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
  expect(Number(root.attributes.width)).toBeGreaterThan(0);
  expect(Number(root.attributes.height)).toBeGreaterThan(0);
  expect(root.attributes.viewBox).toMatch(/^0 0 \d+(\.\d+)? \d+(\.\d+)?$/);
  return root;
}

describe('niceTicks', () => {
  it('covers the range with 1-2-5 steps', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 9, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(3, 3, 5).length).toBeGreaterThan(1);
  });
});

describe('lineChartSvg', () => {
  it('draws one path per series with points in the plot, and a legend', () => {
    const svg = lineChartSvg({
      title: 'Loss <train & eval>',
      xLabel: 'epoch',
      yLabel: 'loss',
      series: [
        { name: 'train', points: [[1, 2.3], [2, 1.5], [3, 1.1]] },
        { name: 'eval', points: [[1, 2.4], [2, 1.9], [3, 1.6]], dashed: true },
      ],
    });
    const root = expectStandaloneSvg(svg);
    expect(textContent(findAll(root, 'title')[0]!)).toBe('Loss <train & eval>');
    const lines = findAll(root, 'path');
    expect(lines).toHaveLength(2);
    const width = Number(root.attributes.width);
    const height = Number(root.attributes.height);
    for (const line of lines) {
      const points = pathPoints(line);
      expect(points).toHaveLength(3);
      for (const [x, y] of points) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(width);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(height);
      }
    }
    // Lower loss is drawn higher on screen (smaller y).
    const train = pathPoints(lines[0]!).map(([, y]) => y!);
    expect(train[2]!).toBeGreaterThan(train[0]!);
    expect(lines[1]!.attributes['stroke-dasharray']).toBe('6 4');
    const legend = findAll(root, 'text').map(textContent);
    expect(legend).toContain('train');
    expect(legend).toContain('eval');
  });

  it('splits a curve at non-finite points instead of writing NaN', () => {
    const svg = lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [[0, 1], [1, Number.NaN], [2, 3], [3, 4]] }] });
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(findAll(parseXml(svg), 'path')).toHaveLength(2);
  });

  it('renders an empty chart without throwing', () => {
    expectStandaloneSvg(lineChartSvg({ title: 'empty', xLabel: 'x', yLabel: 'y', series: [] }));
  });
});

describe('confusionMatrixSvg', () => {
  it('draws n*n cells shaded by row-normalised fraction', () => {
    const matrix = [
      [8, 2, 0],
      [0, 5, 5],
      [1, 0, 9],
    ];
    const root = expectStandaloneSvg(confusionMatrixSvg({ matrix, labels: ['a', 'b', 'c'] }));
    const cells = findAll(findAll(root, 'g').find((g) => g.attributes.class === 'cells')!, 'rect');
    expect(cells).toHaveLength(9);
    // Row 0: 8/10 of the row on the diagonal -> darker than the 2/10 cell beside it.
    const darkness = (rect: (typeof cells)[number]) =>
      255 - Number(/rgb\((\d+),/.exec(rect.attributes.fill!)![1]);
    expect(darkness(cells[0]!)).toBeGreaterThan(darkness(cells[1]!));
    expect(darkness(cells[2]!)).toBe(0);
    // Hover titles carry the counts.
    expect(textContent(cells[4]!)).toContain('true b, predicted b: 5 (50%)');
  });

  it('handles many classes (60) without labels overflowing into NaN', () => {
    const n = 60;
    const matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 3 : i === (j + 1) % n ? 1 : 0)));
    const svg = confusionMatrixSvg({ matrix });
    expect(svg).not.toMatch(/NaN/);
    expect(findAll(parseXml(svg), 'rect').length).toBeGreaterThanOrEqual(n * n);
  });
});

describe('barChartSvg', () => {
  it('draws a bar per (category, series) with error bars', () => {
    const root = expectStandaloneSvg(
      barChartSvg({
        title: 'Ablation',
        categories: ['no norm', 'bn (seed)', 'bn momentum 0.1'],
        series: [
          { name: 'train acc', values: [0.7, 0.9, 0.88], errors: [0.01, 0.05, 0.02] },
          { name: 'test acc', values: [0.68, 0.6, undefined] },
        ],
        yLabel: 'accuracy',
        yRange: [0, 1],
      }),
    );
    const bars = findAll(root, 'g').find((g) => g.attributes.class === 'bars')!;
    const rects = findAll(bars, 'rect');
    expect(rects).toHaveLength(5);
    // Heights are proportional to values on a [0, 1] axis.
    const h = rects.map((r) => Number(r.attributes.height));
    expect(h[0]! / h[2]!).toBeCloseTo(0.7 / 0.9, 1);
    // 3 error bars * 3 lines each.
    expect(findAll(bars, 'line')).toHaveLength(9);
    expect(findAll(root, 'text').map(textContent)).toContain('bn momentum 0.1');
  });
});

describe('inline charts (the web app\'s)', () => {
  it('are an svg.chart element sized by its viewBox, with the page-styled grid and axis', () => {
    const svg = lineChartSvg({ title: 'loss', xLabel: 'step', series: [{ name: 'train', points: [[0, 2], [1, 1]] }], yFromZero: true, minXSpan: 100, mode: 'inline' });
    expect(svg.startsWith('<svg')).toBe(true);
    const root = parseXml(svg);
    expect(root.attributes).toMatchObject({ class: 'chart', role: 'img', 'aria-label': 'loss' });
    expect(root.attributes.width).toBeUndefined();
    expect(findAll(root, 'line').some((l) => l.attributes.class === 'grid')).toBe(true);
    // yFromZero puts 0 on the axis; minXSpan stretches x to the planned 100 steps.
    const ticks = findAll(root, 'text').map(textContent);
    expect(ticks).toContain('0');
    expect(ticks).toContain('100');
  });

  it('colour bars per category and draw a named reference line', () => {
    const svg = barChartSvg({
      title: 'shift',
      categories: ['conv1.1', 'fc1.1'],
      series: [{ name: 'σ', values: [0.2, 0.9], colors: ['#111111', '#222222'] }],
      yLabel: 'σ',
      reference: { value: 0.5, label: 'stale above 0.5' },
      mode: 'inline',
    });
    const root = parseXml(svg);
    expect(findAll(root, 'rect').filter((r) => r.attributes.fill === '#111111' || r.attributes.fill === '#222222')).toHaveLength(2);
    expect(findAll(root, 'line').filter((l) => l.attributes['stroke-dasharray'] === '5 3')).toHaveLength(2);
    expect(findAll(root, 'text').map(textContent)).toContain('stale above 0.5');
  });
});
