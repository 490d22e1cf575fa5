import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { SOURCE_CONDITION } from '../../vitest.shared.ts';

/**
 * Cross-origin isolation (COOP + COEP) makes `SharedArrayBuffer` available, which the threaded
 * wasm backend needs; every response of the dev server and of `vite preview` carries them.
 * A static host serving `dist/` should send the same two headers (see README).
 */
export const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export default defineConfig({
  // Relative asset URLs: `dist/` works from any folder of any static server.
  base: './',
  // `@skelnorm/*` resolve to the packages' TypeScript sources, so the app never needs a prebuilt dist/.
  resolve: {
    conditions: [SOURCE_CONDITION, ...defaultClientConditions],
    // pose-detection imports @mediapipe/pose for a runtime the Live screen never uses (see the stub).
    alias: { '@mediapipe/pose': fileURLToPath(new URL('./src/live/mediapipe-pose-stub.ts', import.meta.url)) },
  },
  server: { headers: crossOriginIsolationHeaders },
  // The dev server's dependency scan starts at index.html and does not follow `new Worker(new URL(...))`:
  // without this, the first Live start discovers pose-detection and reloads the page.
  optimizeDeps: { include: ['@tensorflow-models/pose-detection'] },
  preview: { headers: crossOriginIsolationHeaders },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // tfjs-core and its backends are one large chunk by nature.
    chunkSizeWarningLimit: 4096,
    // The .wasm binaries are copied as files (never inlined as data: URLs).
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    // Class names appear in messages (a state dict that does not fit 'SeedCnn', a non-finite output
    // of 'Conv2d'): minified they would read 'iA'.
    rolldownOptions: { output: { keepNames: true } },
  },
  worker: { format: 'es' },
});
