import { el } from './svg-element.js';

/** One line of a {@link LineChart}. */
export interface LineSeries {
  readonly label: string;
  readonly colour: string;
  /** `[x, y]` pairs in x order; non-finite y values break the line. */
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
  /** Draw a dot on every point (for sparse series such as per-epoch evaluations). */
  readonly markers?: boolean;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  /** Fixed y range; default: the data's range (with 0 included when `yFromZero`). */
  readonly yRange?: readonly [number, number];
  readonly yFromZero?: boolean;
  /** Smallest x range shown, so a chart does not stretch its first two points over the width. */
  readonly minXSpan?: number;
  readonly width?: number;
  readonly height?: number;
}


/** Round tick steps: 1, 2 or 5 times a power of ten, about `count` ticks over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

function formatTick(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return value.toFixed(Math.min(decimals, 4));
}

/**
 * A small SVG line chart (axes, ticks, legend), redrawn whole on every {@link update}: the app's
 * charts hold at most a few thousand points, and a full redraw keeps the code obvious.
 */
export class LineChart {
  readonly svg: SVGSVGElement;

  constructor(
    container: HTMLElement,
    private readonly options: LineChartOptions,
  ) {
    const width = options.width ?? 460;
    const height = options.height ?? 230;
    this.svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img' });
    this.svg.setAttribute('aria-label', options.title);
    container.append(this.svg);
    this.update([]);
  }

  update(series: readonly LineSeries[]): void {
    const { options } = this;
    const width = options.width ?? 460;
    const height = options.height ?? 230;
    const margin = { left: 46, right: 10, top: 22, bottom: 40 };
    const plotW = width - margin.left - margin.right;
    const plotH = height - margin.top - margin.bottom;
    let xMin = Infinity;
    let xMax = -Infinity;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (const s of series) {
      for (const [x, y] of s.points) {
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        xMin = Math.min(xMin, x);
        xMax = Math.max(xMax, x);
        yMin = Math.min(yMin, y);
        yMax = Math.max(yMax, y);
      }
    }
    if (!Number.isFinite(xMin)) {
      xMin = 0;
      xMax = 1;
      yMin = 0;
      yMax = 1;
    }
    xMin = Math.min(xMin, 0);
    xMax = Math.max(xMax, xMin + (options.minXSpan ?? 1));
    if (options.yRange) [yMin, yMax] = options.yRange;
    else {
      if (options.yFromZero) yMin = Math.min(0, yMin);
      if (yMax - yMin < 1e-9) {
        yMax += 0.5;
        yMin -= 0.5;
      }
      const pad = (yMax - yMin) * 0.05;
      yMax += pad;
      if (!options.yFromZero) yMin -= pad;
    }
    const sx = (x: number) => margin.left + ((x - xMin) / (xMax - xMin)) * plotW;
    const sy = (y: number) => margin.top + (1 - (y - yMin) / (yMax - yMin)) * plotH;

    const nodes: SVGElement[] = [el('text', { x: margin.left, y: 14, 'font-weight': 600 }, options.title)];
    const yStep = niceStep(yMax - yMin, 4);
    for (let y = Math.ceil(yMin / yStep) * yStep; y <= yMax + 1e-9; y += yStep) {
      nodes.push(el('line', { class: 'grid', x1: margin.left, x2: margin.left + plotW, y1: sy(y), y2: sy(y) }));
      nodes.push(el('text', { x: margin.left - 5, y: sy(y) + 4, 'text-anchor': 'end' }, formatTick(y, yStep)));
    }
    const xStep = Math.max(1, niceStep(xMax - xMin, 6));
    for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax + 1e-9; x += xStep) {
      nodes.push(el('text', { x: sx(x), y: margin.top + plotH + 14, 'text-anchor': 'middle' }, formatTick(x, xStep)));
    }
    nodes.push(el('line', { class: 'axis', x1: margin.left, x2: margin.left, y1: margin.top, y2: margin.top + plotH }));
    nodes.push(el('line', { class: 'axis', x1: margin.left, x2: margin.left + plotW, y1: margin.top + plotH, y2: margin.top + plotH }));
    nodes.push(el('text', { x: margin.left + plotW / 2, y: height - 16, 'text-anchor': 'middle' }, options.xLabel));

    for (const s of series) {
      let d = '';
      let pen = false;
      for (const [x, y] of s.points) {
        if (!Number.isFinite(y)) {
          pen = false;
          continue;
        }
        const cy = sy(Math.min(Math.max(y, yMin), yMax));
        d += `${pen ? 'L' : 'M'}${sx(x).toFixed(1)},${cy.toFixed(1)}`;
        pen = true;
      }
      if (d !== '') {
        nodes.push(el('path', { d, fill: 'none', stroke: s.colour, 'stroke-width': 1.8, ...(s.dashed ? { 'stroke-dasharray': '5 3' } : {}) }));
      }
      if (s.markers) {
        for (const [x, y] of s.points) {
          if (Number.isFinite(y)) nodes.push(el('circle', { cx: sx(x), cy: sy(y), r: 3, fill: s.colour }));
        }
      }
    }
    // Legend along the bottom edge.
    let lx = margin.left;
    for (const s of series) {
      nodes.push(el('line', { x1: lx, x2: lx + 16, y1: height - 4, y2: height - 4, stroke: s.colour, 'stroke-width': 2, ...(s.dashed ? { 'stroke-dasharray': '4 2' } : {}) }));
      const label = el('text', { x: lx + 20, y: height - 1 }, s.label);
      nodes.push(label);
      lx += 30 + s.label.length * 6;
    }
    this.svg.replaceChildren(...nodes);
  }
}
