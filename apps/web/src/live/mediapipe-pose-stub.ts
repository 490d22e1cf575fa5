/**
 * Stands in for `@mediapipe/pose` in the build (vite.config.ts aliases it here). pose-detection
 * imports it for its `runtime: 'mediapipe'` BlazePose, which needs WebGL2 and its own 41 MB of
 * assets; the Live screen runs `runtime: 'tfjs'` on wasm only, so that code path must never run.
 */
export class Pose {
  constructor() {
    throw new Error("@mediapipe/pose is not bundled: create the BlazePose detector with runtime 'tfjs'");
  }
}
