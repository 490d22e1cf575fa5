import { isSoftwareRenderer } from '../gpu-adapter.js';

/** The smallest part of a WebGL context that naming its renderer needs. */
export interface WebglContextLike {
  getExtension(name: 'WEBGL_debug_renderer_info'): { readonly UNMASKED_RENDERER_WEBGL: number } | null;
  getParameter(parameter: number): unknown;
  readonly RENDERER: number;
}

/**
 * What renders WebGL here: the unmasked renderer string where the browser gives it, else the masked
 * one; undefined when no WebGL context can be made (tfjs's webgl backend then fails on its own).
 */
export function webglRenderer(context: WebglContextLike | null | undefined = newContext()): { readonly name: string; readonly software: boolean } | undefined {
  if (!context) return undefined;
  const debug = context.getExtension('WEBGL_debug_renderer_info');
  const name = String(context.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : context.RENDERER) ?? '');
  return { name, software: isSoftwareRenderer(name) };
}

function newContext(): WebglContextLike | null {
  try {
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : typeof document !== 'undefined' ? document.createElement('canvas') : undefined;
    return (canvas?.getContext('webgl2') ?? canvas?.getContext('webgl') ?? null) as WebglContextLike | null;
  } catch {
    return null;
  }
}
