import * as tf from '@tensorflow/tfjs-core';

/** Exclusive time and calls per kernel name. */
export type KernelTimes = Map<string, { ms: number; calls: number }>;

/**
 * Wraps every kernel of `backendName` with an exclusive-time timer writing into the returned map:
 * a kernel built from other kernels (this workspace's wasm kernels) does not count its children,
 * so the rows add up to the time spent in kernels. Synchronous backends only (cpu, wasm): WebGPU
 * kernels only enqueue work.
 */
export function instrumentKernels(backendName: string): KernelTimes {
  const times: KernelTimes = new Map();
  const stack: number[] = []; // time spent in children of each active kernel
  for (const config of tf.getKernelsForBackend(backendName)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
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
  return times;
}

/** Prints the slowest kernels of `times` over `steps` steps of `stepMs` each. */
export function printKernelTimes(times: KernelTimes, steps: number, stepMs: number, rows = 20): void {
  const sorted = [...times].sort((a, b) => b[1].ms - a[1].ms);
  const kernelMs = sorted.reduce((sum, [, t]) => sum + t.ms, 0) / steps;
  console.log(`${stepMs.toFixed(0)} ms per step, ${kernelMs.toFixed(0)} ms of it in kernels, ${steps} steps`);
  console.log('kernel'.padEnd(26) + 'ms/step'.padStart(9) + 'calls/step'.padStart(12) + '%'.padStart(7));
  for (const [name, t] of sorted.slice(0, rows)) {
    console.log(name.padEnd(26) + (t.ms / steps).toFixed(1).padStart(9) + (t.calls / steps).toFixed(0).padStart(12) + ((100 * t.ms) / steps / stepMs).toFixed(1).padStart(7));
  }
}
