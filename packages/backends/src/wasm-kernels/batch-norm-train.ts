import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BatchNormTrain, BatchNormTrainGrad, type BatchNormTrainAttrs, type BatchNormTrainGradAttrs } from '@skelnorm/nn';
import { simdKernels, type SimdKernels } from './simd/simd-kernels.js';

/**
 * Float32 scratch on the wasm heap for one kernel call, carved into named arrays of `channels`
 * (or 2 * channels) values, freed by `release`. float64 arrays take two float32 slots per value.
 */
function scratch(backend: BackendWasm, channels: number, layout: Readonly<Record<string, number>>) {
  const total = Object.values(layout).reduce((a, b) => a + b, 0) * channels;
  const info = backend.makeOutput([total], 'float32');
  return {
    /** Views (and their byte offsets) after every allocation of the call: allocating may grow the memory. */
    views(): Record<string, { f32: Float32Array; f64: Float64Array; at: number }> {
      const heap = backend.typedArrayFromHeap(info) as Float32Array;
      const out: Record<string, { f32: Float32Array; f64: Float64Array; at: number }> = {};
      let offset = 0;
      for (const [name, slots] of Object.entries(layout)) {
        const f32 = heap.subarray(offset, offset + slots * channels);
        out[name] = { f32, f64: new Float64Array(f32.buffer, f32.byteOffset, (slots * channels) / 2), at: f32.byteOffset };
        offset += slots * channels;
      }
      return out;
    },
    release(): void {
      backend.disposeData(info.dataId);
    },
  };
}

interface Geometry {
  readonly channels: number;
  readonly rows: number;
  readonly rowsPerSample: number;
}

function geometry(name: string, x: TensorInfo, counts: TensorInfo | undefined): Geometry {
  const channels = x.shape[x.shape.length - 1] ?? 0;
  if (x.dtype !== 'float32' || x.shape.length < 2 || channels % 4 !== 0) {
    throw new Error(`${name}: x must be float32 of rank >= 2 with channels a multiple of 4, got ${x.dtype}[${x.shape.join(',')}]`);
  }
  const size = x.shape.reduce((a, b) => a * b, 1);
  const rows = size / channels;
  const samples = x.shape[0]!;
  if (counts && (counts.dtype !== 'float32' || counts.shape.join() !== String(samples))) {
    throw new Error(`${name}: counts must be float32 [${samples}], got ${counts.dtype}[${counts.shape.join(',')}]`);
  }
  return { channels, rows, rowsPerSample: samples === 0 ? 1 : rows / samples };
}

function simdOf(name: string, backend: BackendWasm): SimdKernels {
  const simd = simdKernels(backend);
  if (!simd) throw new Error(`${name}: wasm SIMD is not available (the kernel is only registered where it is)`);
  return simd;
}

const f32 = Math.fround;

/**
 * {@link BatchNormTrain} on wasm: two SIMD passes instead of about eight tfjs ops. The statistics
 * are one pass of kernels.wat's `channelSums` over d = x - x[row 0] (shifting by a value of the
 * channel keeps E[d^2] - E[d]^2 accurate, and makes the mean and variance of a constant channel
 * exact: the seed CNN's first conv gives its bias everywhere on an absent person), accumulated in
 * float64 (so that a compacted batch gets its dense batch's statistics); then `batchNormOutput`. Centring is (x - x[row 0]) - centre, where centre = mean -
 * x[row 0] is small: one float32 subtraction of the full mean would lose the digits that matter
 * far from zero (a weight gradient off by 2e-4 at values around 1000).
 */
export const batchNormTrainKernel: Omit<KernelConfig, 'backendName'> = {
  kernelName: BatchNormTrain,
  kernelFunc: (({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const { x, weight, bias, counts } = inputs as Record<'x' | 'weight' | 'bias', TensorInfo> & { counts?: TensorInfo };
    const { eps, n } = attrs as unknown as BatchNormTrainAttrs;
    const { channels, rows, rowsPerSample } = geometry(BatchNormTrain, x, counts);
    const simd = simdOf(BatchNormTrain, wasm);
    const outputs = [x.shape, [channels], [channels], [channels], [channels]].map((shape) => wasm.makeOutput(shape, 'float32'));
    const work = scratch(wasm, channels, { shift: 1, zeros: 1, s1: 2, s2: 2, scale: 1 });
    try {
      const s = work.views();
      const [y, mean, variance, invstd, centre] = outputs.map((t) => wasm.typedArrayFromHeap(t) as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      const xs = wasm.typedArrayFromHeap(x) as Float32Array;
      const w = wasm.typedArrayFromHeap(weight) as Float32Array;
      const b = wasm.typedArrayFromHeap(bias) as Float32Array;
      s.shift!.f32.set(rows > 0 ? xs.subarray(0, channels) : new Float32Array(channels));
      s.zeros!.f32.fill(0);
      s.s1!.f64.fill(0);
      s.s2!.f64.fill(0);
      const countsAt = counts ? (wasm.typedArrayFromHeap(counts) as Float32Array).byteOffset : 0;
      simd.channelSums(xs.byteOffset, s.shift!.at, xs.byteOffset, s.shift!.at, s.zeros!.at, rows, channels, rowsPerSample, countsAt, s.s1!.at, s.s2!.at);
      for (let ch = 0; ch < channels; ch++) {
        const m1 = s.s1!.f64[ch]! / n;
        const v = Math.max(0, s.s2!.f64[ch]! / n - m1 * m1);
        centre[ch] = m1;
        mean[ch] = s.shift!.f32[ch]! + m1;
        variance[ch] = v;
        invstd[ch] = 1 / Math.sqrt(f32(v) + f32(eps));
        s.scale!.f32[ch] = w[ch]! * invstd[ch]!;
      }
      simd.batchNormOutput(xs.byteOffset, y.byteOffset, rows, channels, s.shift!.at, centre.byteOffset, s.scale!.at, b.byteOffset);
    } finally {
      work.release();
    }
    return outputs;
  }) as KernelFunc,
};

/**
 * {@link BatchNormTrainGrad} on wasm: `channelSums` of dy and (x - mean) dy, then
 * `batchNormInputGradient`, where tfjs's op chain takes about seven full-size ops.
 */
export const batchNormTrainGradKernel: Omit<KernelConfig, 'backendName'> = {
  kernelName: BatchNormTrainGrad,
  kernelFunc: (({ inputs, attrs, backend }) => {
    const wasm = backend as BackendWasm;
    const { dy, x, centre, invstd, weight, counts } = inputs as Record<'dy' | 'x' | 'centre' | 'invstd' | 'weight', TensorInfo> & { counts?: TensorInfo };
    const { n } = attrs as unknown as BatchNormTrainGradAttrs;
    const { channels, rows, rowsPerSample } = geometry(BatchNormTrainGrad, x, counts);
    if (dy.shape.join() !== x.shape.join()) throw new Error(`${BatchNormTrainGrad}: dy [${dy.shape.join(',')}] must have x's shape [${x.shape.join(',')}]`);
    const simd = simdOf(BatchNormTrainGrad, wasm);
    const outputs = [x.shape, [channels], [channels]].map((shape) => wasm.makeOutput(shape, 'float32'));
    const work = scratch(wasm, channels, { shift: 1, zeros: 1, sumDy: 2, dotp: 2, a: 1, k: 1, scale: 1 });
    try {
      const s = work.views();
      const [dx, dWeight, dBias] = outputs.map((t) => wasm.typedArrayFromHeap(t) as Float32Array) as [Float32Array, Float32Array, Float32Array];
      const [g, xs, m1, inv, w] = [dy, x, centre, invstd, weight].map((t) => wasm.typedArrayFromHeap(t) as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      s.shift!.f32.set(rows > 0 ? xs.subarray(0, channels) : new Float32Array(channels));
      s.zeros!.f32.fill(0);
      s.sumDy!.f64.fill(0);
      s.dotp!.f64.fill(0);
      simd.channelSums(g.byteOffset, s.zeros!.at, xs.byteOffset, s.shift!.at, m1.byteOffset, rows, channels, rowsPerSample, 0, s.sumDy!.at, s.dotp!.at);
      for (let ch = 0; ch < channels; ch++) {
        const sumDy = s.sumDy!.f64[ch]!;
        const dotp = s.dotp!.f64[ch]!;
        const is = inv[ch]!;
        s.a!.f32[ch] = sumDy / n;
        s.k!.f32[ch] = (dotp * is * is) / n;
        s.scale!.f32[ch] = w[ch]! * is;
        dWeight[ch] = dotp * is;
        dBias[ch] = sumDy;
      }
      const countsAt = counts ? (wasm.typedArrayFromHeap(counts) as Float32Array).byteOffset : 0;
      simd.batchNormInputGradient(g.byteOffset, xs.byteOffset, dx.byteOffset, rows, channels, rowsPerSample, countsAt, s.shift!.at, m1.byteOffset, s.a!.at, s.k!.at, s.scale!.at);
    } finally {
      work.release();
    }
    return outputs;
  }) as KernelFunc,
};
