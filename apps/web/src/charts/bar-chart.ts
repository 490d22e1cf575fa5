import { barChartSvg } from '@skelnorm/trainer/charts';
import { svgFromMarkup } from './svg-element.js';

/** One bar of a {@link renderBarChart}. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly colour: string;
}

export interface BarChartOptions {
  readonly title: string;
  readonly yLabel: string;
  /** A dashed horizontal line, e.g. a threshold. */
  readonly reference?: { readonly value: number; readonly label: string };
  readonly width?: number;
}

/** A vertical bar chart (one bar per label, each its own colour) by the CLI's chart kit. */
export function renderBarChart(bars: readonly Bar[], options: BarChartOptions): SVGSVGElement {
  return svgFromMarkup(
    barChartSvg({
      title: options.title,
      yLabel: options.yLabel,
      categories: bars.map((b) => b.label),
      series: [{ name: options.yLabel, values: bars.map((b) => b.value), colors: bars.map((b) => b.colour) }],
      ...(options.reference !== undefined && { reference: options.reference }),
      ...(options.width !== undefined && { width: options.width }),
      mode: 'inline',
    }),
  );
}
