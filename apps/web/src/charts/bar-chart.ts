import { el } from './svg-element.js';
import { niceStep } from './line-chart.js';

/** One bar of a {@link renderBarChart}. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly colour: string;
  /** Tooltip. */
  readonly title?: string;
}

export interface BarChartOptions {
  readonly title: string;
  readonly yLabel: string;
  /** A dashed horizontal line, e.g. a threshold. */
  readonly reference?: { readonly value: number; readonly label: string };
  readonly width?: number;
  readonly height?: number;
}


/** A vertical bar chart as SVG (one bar per label, value axis from 0). */
export function renderBarChart(bars: readonly Bar[], options: BarChartOptions): SVGSVGElement {
  const width = options.width ?? 640;
  const height = options.height ?? 240;
  const margin = { left: 50, right: 12, top: 24, bottom: 44 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const finite = bars.map((b) => (Number.isFinite(b.value) ? b.value : 0));
  const highest = Math.max(1e-6, ...finite, options.reference?.value ?? 0) * 1.1;
  const step = niceStep(highest, 4);
  const top = Math.ceil(highest / step) * step;
  const sy = (v: number) => margin.top + plotH * (1 - Math.min(v, top) / top);
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img' });
  svg.setAttribute('aria-label', options.title);
  svg.append(el('text', { x: margin.left, y: 15, 'font-weight': 600 }, options.title));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  for (let v = 0; v <= top + step / 2; v += step) {
    svg.append(el('line', { class: 'grid', x1: margin.left, x2: margin.left + plotW, y1: sy(v), y2: sy(v) }));
    svg.append(el('text', { x: margin.left - 5, y: sy(v) + 4, 'text-anchor': 'end' }, v.toFixed(Math.min(decimals, 3))));
  }
  const slot = plotW / Math.max(1, bars.length);
  bars.forEach((bar, i) => {
    const x = margin.left + i * slot + slot * 0.15;
    const value = finite[i]!;
    const rect = el('rect', { x, y: sy(value), width: slot * 0.7, height: Math.max(0, margin.top + plotH - sy(value)), fill: bar.colour, rx: 2 });
    if (bar.title !== undefined) rect.append(el('title', {}, bar.title));
    svg.append(rect);
    svg.append(el('text', { x: x + slot * 0.35, y: margin.top + plotH + 14, 'text-anchor': 'middle' }, bar.label));
    if (!Number.isFinite(bar.value)) svg.append(el('text', { x: x + slot * 0.35, y: margin.top + plotH - 4, 'text-anchor': 'middle' }, 'n/a'));
  });
  if (options.reference !== undefined) {
    const y = sy(options.reference.value);
    svg.append(el('line', { x1: margin.left, x2: margin.left + plotW, y1: y, y2: y, stroke: '#b7791f', 'stroke-dasharray': '5 3', 'stroke-width': 1.5 }));
    // The line's label sits in the title row (right), where no bar can hide it.
    const right = margin.left + plotW;
    svg.append(el('line', { x1: right - 150, x2: right - 132, y1: 11, y2: 11, stroke: '#b7791f', 'stroke-dasharray': '5 3', 'stroke-width': 1.5 }));
    svg.append(el('text', { x: right - 128, y: 15, 'text-anchor': 'start' }, options.reference.label));
  }
  svg.append(el('line', { class: 'axis', x1: margin.left, x2: margin.left + plotW, y1: margin.top + plotH, y2: margin.top + plotH }));
  svg.append(el('text', { x: 12, y: margin.top + plotH / 2, transform: `rotate(-90 12 ${margin.top + plotH / 2})`, 'text-anchor': 'middle' }, options.yLabel));
  return svg;
}
