export { barChartSvg } from './bar-chart.js';
export type { BarChartOptions, BarSeries } from './bar-chart.js';
export { confusionMatrixSvg } from './confusion-matrix-chart.js';
export type { ConfusionMatrixChartOptions } from './confusion-matrix-chart.js';
export { lineChartSvg } from './line-chart.js';
export type { LineChartOptions, LineSeries } from './line-chart.js';
export { PALETTE, escapeXml, niceTicks, paletteColor } from './svg-markup.js';
export type { SvgMode } from './svg-markup.js';
