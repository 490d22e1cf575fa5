import { describe, expect, it } from 'vitest';
import { webglRenderer, type WebglContextLike } from './webgl-renderer.js';

/** A WebGL context that answers with `unmasked` through the debug extension when it has one. */
function context(masked: string, unmasked?: string): WebglContextLike {
  const UNMASKED = 0x9246;
  return {
    RENDERER: 0x1f01,
    getExtension: () => (unmasked === undefined ? null : { UNMASKED_RENDERER_WEBGL: UNMASKED }),
    getParameter: (p) => (p === UNMASKED ? unmasked : masked),
  };
}

describe('webglRenderer', () => {
  it('names the unmasked renderer and calls SwiftShader and llvmpipe software', () => {
    expect(webglRenderer(context('WebKit WebGL', 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)'))).toEqual({
      name: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)',
      software: true,
    });
    expect(webglRenderer(context('llvmpipe (LLVM 15.0.6, 256 bits)'))?.software).toBe(true);
  });

  it('takes a real GPU, and says nothing where no context can be made', () => {
    expect(webglRenderer(context('WebKit WebGL', 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)'))?.software).toBe(false);
    expect(webglRenderer(null)).toBeUndefined();
  });
});
