/**
 * Minimal SVG markup builders: the one chart kit of the command line and the browser app. Plots are
 * plain strings, so the CLI writes them into a run folder as files that open in any browser, and
 * the web app puts the same markup into its page: no DOM needed to draw, no dependencies.
 */

/** Escapes text for XML character data and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export type Attributes = Readonly<Record<string, string | number | undefined>>;

function formatAttributes(attributes: Attributes): string {
  let out = '';
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    const text = typeof value === 'number' ? formatNumber(value) : value;
    out += ` ${key}="${escapeXml(text)}"`;
  }
  return out;
}

/** Coordinates with two decimals: enough for a screen, short files. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '0';
  return String(Math.round(value * 100) / 100);
}

/** One element; `children` are already-serialised markup, `text` is escaped. */
export function element(name: string, attributes: Attributes = {}, children: readonly string[] | string = []): string {
  const inner = typeof children === 'string' ? escapeXml(children) : children.join('');
  if (inner === '') return `<${name}${formatAttributes(attributes)}/>`;
  return `<${name}${formatAttributes(attributes)}>${inner}</${name}>`;
}

/**
 * How a chart is emitted: `file` (default) is a standalone SVG document (XML prolog, namespace,
 * fixed size, white background) that browsers open as a file; `inline` is an `<svg class="chart">`
 * element for a page, sized by its viewBox and styled by the page (`.chart .grid`, `.chart .axis`).
 */
export type SvgMode = 'file' | 'inline';

export function svgDocument(width: number, height: number, title: string, children: readonly string[], mode: SvgMode = 'file'): string {
  const viewBox = `0 0 ${formatNumber(width)} ${formatNumber(height)}`;
  if (mode === 'inline') {
    return element('svg', { xmlns: 'http://www.w3.org/2000/svg', viewBox, class: 'chart', role: 'img', 'aria-label': title }, [element('title', {}, title), ...children]);
  }
  const body = element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox,
      'font-family': 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif',
      'font-size': 12,
    },
    [element('title', {}, title), element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }), ...children],
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}

/** A categorical palette that stays readable for common colour-vision deficiencies (Okabe-Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'] as const;

export function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#000000';
}

/**
 * "Nice" tick values covering [min, max] (1, 2, 5 times a power of ten), about `count` of them.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max === min) {
    const pad = Math.abs(max) > 0 ? Math.abs(max) * 0.1 : 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const span = max - min;
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  // Integer multiples of the step, rounded to the step's decimals so that 3 * 0.2 prints as 0.6.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const firstIndex = Math.floor(min / step);
  const lastIndex = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let k = firstIndex; k <= lastIndex && ticks.length <= 50; k++) ticks.push(Number((k * step).toFixed(decimals)));
  return ticks;
}

/** Tick label: integers as integers, otherwise up to 3 significant decimals. */
export function formatTick(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(3)));
}
