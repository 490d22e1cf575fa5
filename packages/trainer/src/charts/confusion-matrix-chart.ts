import { element, formatNumber, svgDocument } from './svg-markup.js';

export interface ConfusionMatrixChartOptions {
  /** `matrix[trueClass][predictedClass]` = count. Square. */
  readonly matrix: readonly (readonly number[])[];
  /** Class names; default "0", "1", ... */
  readonly labels?: readonly string[];
  readonly title?: string;
  /** Cell size in px; default chosen so that the plot is about 480 px wide (8..40 px). */
  readonly cellSize?: number;
}

/**
 * Renders a confusion matrix as an SVG heatmap. Rows are the true class, columns the prediction;
 * each row is normalised by its total (recall per class), so classes of different sizes compare.
 * Counts are printed in cells when the cells are large enough to hold them.
 */
export function confusionMatrixSvg(options: ConfusionMatrixChartOptions): string {
  const n = options.matrix.length;
  const labels = options.labels ?? Array.from({ length: n }, (_, i) => String(i));
  const cell = options.cellSize ?? Math.max(8, Math.min(40, Math.floor(480 / Math.max(1, n))));
  // Room for class names (about 6 px per character at 10 px), capped so that long names get cut by the edge rather than squeeze the matrix.
  const labelSpace = Math.min(180, 8 + 6 * Math.max(1, ...labels.map((l) => l.length)));
  const left = 28 + labelSpace;
  const top = 56;
  const width = left + n * cell + 90;
  const height = top + n * cell + 16 + labelSpace * 0.75;
  const title = options.title ?? 'Confusion matrix';

  const parts: string[] = [];
  parts.push(element('text', { x: left, y: 22, 'font-size': 15, 'font-weight': 'bold' }, title));
  parts.push(element('text', { x: left + (n * cell) / 2, y: 44, 'text-anchor': 'middle' }, 'predicted class'));
  parts.push(element('text', { x: 14, y: top + (n * cell) / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${top + (n * cell) / 2})` }, 'true class'));

  const showLabels = cell >= 12;
  const showCounts = cell >= 26;
  const cells: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = options.matrix[i] ?? [];
    const total = row.reduce((a, b) => a + b, 0);
    for (let j = 0; j < n; j++) {
      const count = row[j] ?? 0;
      const fraction = total > 0 ? count / total : 0;
      const x = left + j * cell;
      const y = top + i * cell;
      cells.push(
        element('rect', { x, y, width: cell, height: cell, fill: heatColor(fraction), stroke: '#ffffff', 'stroke-width': 0.5 }, [
          element('title', {}, `true ${labels[i] ?? i}, predicted ${labels[j] ?? j}: ${count} (${formatNumber(fraction * 100)}%)`),
        ]),
      );
      if (showCounts && count > 0) {
        cells.push(
          element(
            'text',
            { x: x + cell / 2, y: y + cell / 2 + 4, 'text-anchor': 'middle', 'font-size': 10, fill: fraction > 0.5 ? '#ffffff' : '#111111' },
            String(count),
          ),
        );
      }
    }
    if (showLabels) {
      cells.push(element('text', { x: left - 4, y: top + i * cell + cell / 2 + 4, 'text-anchor': 'end', 'font-size': 10 }, labels[i] ?? String(i)));
    }
  }
  if (showLabels) {
    for (let j = 0; j < n; j++) {
      const x = left + j * cell + cell / 2 + 3;
      const y = top + n * cell + 8;
      // Rotated so that names of any length fit under narrow columns.
      cells.push(element('text', { x, y, 'text-anchor': 'end', 'font-size': 10, transform: `rotate(-50 ${x} ${y})` }, labels[j] ?? String(j)));
    }
  }
  parts.push(element('g', { class: 'cells' }, cells));

  // Colour scale.
  const scaleX = left + n * cell + 24;
  const scaleH = Math.max(60, n * cell);
  const stops = [0, 0.25, 0.5, 0.75, 1];
  parts.push(
    element('defs', {}, [
      element(
        'linearGradient',
        { id: 'cm-scale', x1: 0, y1: 1, x2: 0, y2: 0 },
        stops.map((s) => element('stop', { offset: s, 'stop-color': heatColor(s) })),
      ),
    ]),
  );
  parts.push(element('rect', { x: scaleX, y: top, width: 14, height: scaleH, fill: 'url(#cm-scale)', stroke: '#444' }));
  parts.push(element('text', { x: scaleX + 18, y: top + 8, 'font-size': 10 }, '100%'));
  parts.push(element('text', { x: scaleX + 18, y: top + scaleH, 'font-size': 10 }, '0%'));

  return svgDocument(width, height, title, parts);
}

/** White to dark blue, linear in the fraction. */
function heatColor(fraction: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const from = [255, 255, 255];
  const to = [8, 48, 107];
  const rgb = from.map((c, k) => Math.round(c + (to[k]! - c) * f));
  return `rgb(${rgb.join(',')})`;
}
