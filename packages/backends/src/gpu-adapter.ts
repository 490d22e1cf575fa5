/** The parts of a WebGPU `GPUAdapterInfo` that say which device an adapter drives. */
export interface GpuAdapterInfo {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  /** Newer spec and Dawn: true for a software/fallback adapter. */
  readonly isFallbackAdapter?: boolean;
}

/** The parts of a WebGPU adapter (browser or Dawn) that backend choice reads. */
export interface GpuAdapterLike {
  readonly info?: GpuAdapterInfo;
  /** Older spec (Chrome < 121, Dawn builds of that time). */
  readonly isFallbackAdapter?: boolean;
  requestAdapterInfo?(): Promise<GpuAdapterInfo>;
}

/** The parts of `navigator.gpu` / Dawn's `GPU` that backend choice calls. */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapterLike | null>;
}

/** What an adapter is, in the words that a backend choice reason uses. */
export interface GpuAdapterSummary {
  /** e.g. "google swiftshader (SwiftShader driver 5.0.0)": vendor, architecture, (device or description). */
  readonly description: string;
  /**
   * True for CPU-emulated WebGPU (SwiftShader, llvmpipe/lavapipe, WARP): it runs the seed CNN's
   * training step about 25x slower than the wasm backend, so `auto` must not take it.
   */
  readonly software: boolean;
}

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render/i;

/** True for a CPU-emulated GPU's name (SwiftShader, llvmpipe/lavapipe, WARP), in WebGPU's or WebGL's words. */
export function isSoftwareRenderer(name: string): boolean {
  return SOFTWARE_RENDERERS.test(name);
}

/** Reads an adapter's info (whichever API the implementation has) and classifies it. */
export async function summarizeGpuAdapter(adapter: GpuAdapterLike): Promise<GpuAdapterSummary> {
  const info: GpuAdapterInfo = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const parts = info.description ? [info.vendor, info.architecture] : [info.vendor, info.architecture, info.device];
  const names = parts.filter((s) => s !== undefined && s !== '');
  const description =
    [names.join(' '), info.description ? `(${info.description})` : ''].filter(Boolean).join(' ') || 'unnamed adapter';
  const software =
    info.isFallbackAdapter === true ||
    adapter.isFallbackAdapter === true ||
    isSoftwareRenderer(`${names.join(' ')} ${info.description ?? ''}`);
  return { description, software };
}
