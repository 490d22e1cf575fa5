/** The `<svg>` element of the kit's inline markup (the kit builds strings; the page needs nodes). */
export function svgFromMarkup(markup: string): SVGSVGElement {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg') throw new Error(`chart markup did not parse as SVG: ${root.textContent ?? ''}`);
  return document.importNode(root, true) as unknown as SVGSVGElement;
}
