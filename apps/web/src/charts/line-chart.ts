import { lineChartSvg, type LineChartOptions, type LineSeries } from '@skelnorm/trainer/charts';
import { svgFromMarkup } from './svg-element.js';

export type { LineSeries };

/**
 * A live line chart in the page, drawn by the kit the command line uses for its reports
 * (`@skelnorm/trainer/charts`), redrawn whole on every {@link update}: the app's charts hold at most
 * a few thousand points, and a full redraw keeps the code obvious.
 */
export class LineChart {
  private svg: SVGSVGElement;

  constructor(
    container: HTMLElement,
    private readonly options: Omit<LineChartOptions, 'series' | 'mode'>,
  ) {
    this.svg = this.render([]);
    container.append(this.svg);
  }

  update(series: readonly LineSeries[]): void {
    const next = this.render(series);
    this.svg.replaceWith(next);
    this.svg = next;
  }

  private render(series: readonly LineSeries[]): SVGSVGElement {
    return svgFromMarkup(lineChartSvg({ width: 460, height: 250, ...this.options, series, mode: 'inline' }));
  }
}
