import * as tf from '@tensorflow/tfjs-core';

/** Exclusive time of one kernel over a profiled stretch, per step. */
export interface KernelTime {
  readonly kernel: string;
  readonly msPerStep: number;
  readonly callsPerStep: number;
}

/**
 * Wraps every kernel of the current backend with an exclusive-time timer until the returned
 * `stop(steps)` puts the originals back and returns the kernels by time per step, slowest first. A
 * kernel built from other kernels (@skelnorm/backends' wasm training kernels) does not count its
 * children, so the rows add up to the time spent in kernels. Synchronous backends only (cpu, wasm):
 * WebGPU kernels only enqueue work, so wall-clock per kernel means nothing there.
 */
export function profileKernels(): { stop(steps: number): KernelTime[] } {
  const backend = tf.getBackend();
  const times = new Map<string, { ms: number; calls: number }>();
  const stack: number[] = []; // time spent in children of each active kernel
  const originals = tf.getKernelsForBackend(backend);
  for (const config of originals) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        stack.push(0);
        const start = performance.now();
        try {
          return inner(args);
        } finally {
          const total = performance.now() - start;
          const children = stack.pop() ?? 0;
          if (stack.length > 0) stack[stack.length - 1]! += total;
          const entry = times.get(config.kernelName) ?? { ms: 0, calls: 0 };
          entry.ms += total - children;
          entry.calls += 1;
          times.set(config.kernelName, entry);
        }
      },
    });
  }
  return {
    stop(steps) {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backend);
        tf.registerKernel(config);
      }
      return [...times]
        .map(([kernel, t]) => ({ kernel, msPerStep: t.ms / steps, callsPerStep: t.calls / steps }))
        .sort((a, b) => b.msPerStep - a.msPerStep);
    },
  };
}
