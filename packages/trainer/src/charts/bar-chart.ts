import { element, formatTick, niceTicks, paletteColor, svgDocument, type SvgMode } from './svg-markup.js';

/** One group of bars: a value per category (e.g. "test acc" for every variant). */
export interface BarSeries {
  readonly name: string;
  /** One value per category; NaN/undefined draws no bar. */
  readonly values: readonly (number | undefined)[];
  /** Optional symmetric error bar (e.g. standard deviation over seeds), one per category. */
  readonly errors?: readonly (number | undefined)[];
  readonly color?: string;
  /** A colour per category, overriding `color` (e.g. each layer coloured by its verdict). */
  readonly colors?: readonly string[];
}

export interface BarChartOptions {
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly BarSeries[];
  readonly yLabel: string;
  /** Default: [0, max] padded; accuracies usually pass [0, 1] or [0, 100]. */
  readonly yRange?: readonly [number, number];
  /** A dashed horizontal line, e.g. a threshold, named in the legend. */
  readonly reference?: { readonly value: number; readonly label: string };
  readonly width?: number;
  readonly height?: number;
  /** `file` (default) or `inline` (an element for a page); see `SvgMode`. */
  readonly mode?: SvgMode;
}

const REFERENCE_COLOR = '#b7791f';

/**
 * Grouped vertical bar chart with optional error bars, as a standalone SVG document.
 * Category labels are rotated so that long variant names fit.
 */
export function barChartSvg(options: BarChartOptions): string {
  const categories = options.categories;
  const longest = Math.max(0, ...categories.map((c) => c.length));
  const margin = { left: 64, right: 160, top: 40, bottom: 30 + Math.min(220, longest * 6) };
  const groupWidth = Math.max(36, options.series.length * 14 + 12);
  const width = options.width ?? Math.max(480, margin.left + margin.right + categories.length * groupWidth);
  const height = options.height ?? 420 + (margin.bottom - 60);
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;

  const tops = options.series.flatMap((s) =>
    s.values.map((v, i) => (v === undefined || !Number.isFinite(v) ? Number.NaN : v + (s.errors?.[i] ?? 0))),
  ).filter(Number.isFinite);
  const dataMax = Math.max(tops.length ? Math.max(...tops) : 1, options.reference?.value ?? 0);
  const ticks = options.yRange ? niceTicks(options.yRange[0], options.yRange[1], 5) : niceTicks(0, dataMax, 5);
  const yMin = options.yRange ? options.yRange[0] : Math.min(0, ticks[0] ?? 0);
  const yMax = options.yRange ? options.yRange[1] : (ticks[ticks.length - 1] ?? 1);
  const sy = (y: number) => margin.top + plotH - ((Math.min(yMax, Math.max(yMin, y)) - yMin) / (yMax - yMin || 1)) * plotH;

  const parts: string[] = [];
  parts.push(element('text', { x: margin.left, y: 22, 'font-size': 15, 'font-weight': 'bold' }, options.title));
  for (const tick of ticks) {
    if (tick < yMin - 1e-12 || tick > yMax + 1e-12) continue;
    const y = sy(tick);
    parts.push(element('line', { x1: margin.left, x2: margin.left + plotW, y1: y, y2: y, stroke: '#e5e5e5' }));
    parts.push(element('text', { x: margin.left - 6, y: y + 4, 'text-anchor': 'end', fill: '#444' }, formatTick(tick)));
  }
  parts.push(
    element('text', { x: 16, y: margin.top + plotH / 2, 'text-anchor': 'middle', transform: `rotate(-90 16 ${margin.top + plotH / 2})` }, options.yLabel),
  );

  const slot = plotW / Math.max(1, categories.length);
  const barW = Math.max(3, (slot * 0.8) / Math.max(1, options.series.length));
  const bars: string[] = [];
  categories.forEach((category, c) => {
    const x0 = margin.left + c * slot + slot * 0.1;
    options.series.forEach((series, s) => {
      const value = series.values[c];
      if (value === undefined || !Number.isFinite(value)) return;
      const color = series.colors?.[c] ?? series.color ?? paletteColor(s);
      const x = x0 + s * barW;
      const y = sy(value);
      const base = sy(Math.max(yMin, 0));
      bars.push(
        element('rect', { x, y: Math.min(y, base), width: barW - 1, height: Math.abs(base - y), fill: color }, [
          element('title', {}, `${category} · ${series.name}: ${formatTick(value)}${series.errors?.[c] ? ` ± ${formatTick(series.errors[c]!)}` : ''}`),
        ]),
      );
      const error = series.errors?.[c];
      if (error !== undefined && Number.isFinite(error) && error > 0) {
        const cx = x + (barW - 1) / 2;
        const hi = sy(value + error);
        const lo = sy(value - error);
        bars.push(element('line', { x1: cx, x2: cx, y1: hi, y2: lo, stroke: '#111', 'stroke-width': 1 }));
        bars.push(element('line', { x1: cx - 3, x2: cx + 3, y1: hi, y2: hi, stroke: '#111', 'stroke-width': 1 }));
        bars.push(element('line', { x1: cx - 3, x2: cx + 3, y1: lo, y2: lo, stroke: '#111', 'stroke-width': 1 }));
      }
    });
    const lx = margin.left + c * slot + slot / 2;
    const ly = margin.top + plotH + 12;
    bars.push(element('text', { x: lx, y: ly, 'text-anchor': 'end', 'font-size': 11, transform: `rotate(-40 ${lx} ${ly})` }, category));
  });
  parts.push(element('g', { class: 'bars' }, bars));
  parts.push(element('rect', { x: margin.left, y: margin.top, width: plotW, height: plotH, fill: 'none', stroke: '#444' }));

  options.series.forEach((series, s) => {
    const ly = margin.top + 10 + s * 20;
    const lx = margin.left + plotW + 14;
    // A series coloured per category has no one colour to show.
    if (series.colors === undefined) parts.push(element('rect', { x: lx, y: ly - 7, width: 14, height: 14, fill: series.color ?? paletteColor(s) }));
    parts.push(element('text', { x: lx + 20, y: ly + 4 }, series.name));
  });
  if (options.reference !== undefined) {
    const y = sy(options.reference.value);
    parts.push(element('line', { x1: margin.left, x2: margin.left + plotW, y1: y, y2: y, stroke: REFERENCE_COLOR, 'stroke-dasharray': '5 3', 'stroke-width': 1.5 }));
    const ly = margin.top + 10 + options.series.length * 20;
    const lx = margin.left + plotW + 14;
    parts.push(element('line', { x1: lx, x2: lx + 14, y1: ly, y2: ly, stroke: REFERENCE_COLOR, 'stroke-dasharray': '5 3', 'stroke-width': 1.5 }));
    parts.push(element('text', { x: lx + 20, y: ly + 4 }, options.reference.label));
  }

  return svgDocument(width, height, options.title, parts, options.mode);
}
