import { element, formatTick, niceTicks, paletteColor, svgDocument, type SvgMode } from './svg-markup.js';

/** One curve of a line chart. */
export interface LineSeries {
  readonly name: string;
  readonly points: readonly (readonly [x: number, y: number])[];
  /** Stroke colour; default: the palette colour of the series index. */
  readonly color?: string;
  /** Dashed stroke (e.g. for eval curves next to train curves). Default false. */
  readonly dashed?: boolean;
  /** Draw a dot at each point (useful when there are few points). Default: when <= 40 points. */
  readonly markers?: boolean;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  /** Default none (the title says what y is). */
  readonly yLabel?: string;
  readonly series: readonly LineSeries[];
  /** Fixed y range, e.g. [0, 1] for accuracy; default: the data range, padded. */
  readonly yRange?: readonly [number, number];
  /** Include 0 in the default y range (losses). Default false. */
  readonly yFromZero?: boolean;
  /** Smallest x range shown (e.g. a run's planned steps), so that a chart does not stretch its first points over the width. */
  readonly minXSpan?: number;
  /** `file` (default) or `inline` (an element for a page); see `SvgMode`. */
  readonly mode?: SvgMode;
  /** Default 640 x 380 px. */
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 64, right: 150, top: 40, bottom: 48 } as const;

/**
 * Renders a line chart as a standalone SVG document (pure function, no DOM).
 * Non-finite points are skipped, so a NaN loss leaves a gap rather than a broken path.
 */
export function lineChartSvg(options: LineChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 380;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;

  const finite = options.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const xs = finite.map(([x]) => x);
  const ys = finite.map(([, y]) => y);
  const x0 = xs.length ? Math.min(...xs) : 0;
  const xTicks = niceTicks(x0, Math.max(xs.length ? Math.max(...xs) : 1, x0 + (options.minXSpan ?? 0)), 6);
  const yLow = ys.length ? Math.min(...ys) : 0;
  const yTicks = options.yRange
    ? niceTicks(options.yRange[0], options.yRange[1], 5)
    : niceTicks(options.yFromZero ? Math.min(0, yLow) : yLow, ys.length ? Math.max(...ys) : 1, 5);
  const xMin = xTicks[0] ?? 0;
  const xMax = xTicks[xTicks.length - 1] ?? 1;
  const yMin = options.yRange ? options.yRange[0] : (yTicks[0] ?? 0);
  const yMax = options.yRange ? options.yRange[1] : (yTicks[yTicks.length - 1] ?? 1);
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - yMin) / (yMax - yMin || 1)) * plotH;

  const parts: string[] = [];
  parts.push(element('text', { x: width / 2 - MARGIN.right / 2, y: 22, 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' }, options.title));

  // Grid and axes.
  for (const tick of yTicks) {
    if (tick < yMin - 1e-12 || tick > yMax + 1e-12) continue;
    const y = sy(tick);
    parts.push(element('line', { class: 'grid', x1: MARGIN.left, x2: MARGIN.left + plotW, y1: y, y2: y, stroke: '#e5e5e5' }));
    parts.push(element('text', { x: MARGIN.left - 6, y: y + 4, 'text-anchor': 'end', fill: '#444' }, formatTick(tick)));
  }
  for (const tick of xTicks) {
    const x = sx(tick);
    parts.push(element('line', { x1: x, x2: x, y1: MARGIN.top + plotH, y2: MARGIN.top + plotH + 4, stroke: '#444' }));
    parts.push(element('text', { x, y: MARGIN.top + plotH + 18, 'text-anchor': 'middle', fill: '#444' }, formatTick(tick)));
  }
  parts.push(element('rect', { class: 'axis', x: MARGIN.left, y: MARGIN.top, width: plotW, height: plotH, fill: 'none', stroke: '#444' }));
  parts.push(element('text', { x: MARGIN.left + plotW / 2, y: height - 10, 'text-anchor': 'middle' }, options.xLabel));
  if (options.yLabel !== undefined) {
    parts.push(
      element(
        'text',
        { x: 16, y: MARGIN.top + plotH / 2, 'text-anchor': 'middle', transform: `rotate(-90 16 ${MARGIN.top + plotH / 2})` },
        options.yLabel,
      ),
    );
  }

  // Curves: one path per run of consecutive finite points.
  options.series.forEach((series, index) => {
    const color = series.color ?? paletteColor(index);
    const segments: string[][] = [[]];
    for (const [x, y] of series.points) {
      if (Number.isFinite(x) && Number.isFinite(y)) segments[segments.length - 1]!.push(`${sx(x).toFixed(2)},${sy(y).toFixed(2)}`);
      else segments.push([]);
    }
    const curve: string[] = [];
    for (const segment of segments) {
      if (segment.length === 0) continue;
      curve.push(
        element('path', {
          d: `M${segment.join('L')}`,
          fill: 'none',
          stroke: color,
          'stroke-width': 2,
          'stroke-dasharray': series.dashed ? '6 4' : undefined,
        }),
      );
    }
    const markers = series.markers ?? series.points.length <= 40;
    if (markers) {
      for (const [x, y] of series.points) {
        if (Number.isFinite(x) && Number.isFinite(y)) curve.push(element('circle', { cx: sx(x), cy: sy(y), r: 2.5, fill: color }));
      }
    }
    parts.push(element('g', { class: 'series', 'data-name': series.name }, curve));

    // Legend entry.
    const ly = MARGIN.top + 10 + index * 20;
    const lx = MARGIN.left + plotW + 14;
    parts.push(
      element('line', { x1: lx, x2: lx + 22, y1: ly, y2: ly, stroke: color, 'stroke-width': 2, 'stroke-dasharray': series.dashed ? '6 4' : undefined }),
    );
    parts.push(element('text', { x: lx + 28, y: ly + 4 }, series.name));
  });

  return svgDocument(width, height, options.title, parts, options.mode);
}
