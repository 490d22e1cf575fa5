// The seed CNN's parameters and one batch, generated once and shared through files so that every
// tfjs backend and PyTorch train the very same model on the very same batch (their first losses
// must agree; that is the check that the comparison is fair).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Sizes of the seed CNN and its benchmark batch (NTU: T=64 frames, V=25 joints, C=3, M=2 persons, 60 classes). */
export const SEED_CNN = { batch: 64, persons: 2, frames: 64, joints: 25, channels: 3, classes: 60, learningRate: 1e-3 } as const;

/** One parameter, in this project's layout (conv filters [kh, kw, in, out], dense [in, out]). */
export interface SeedCnnParameter {
  readonly name: string;
  readonly shape: readonly number[];
  /** PyTorch default init bound: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  readonly fanIn: number;
}

/** conv3x3 'same' 3->32->64->128 (+ReLU, maxpool 2 each), fc 3072->512 (+ReLU), fc 512->60. */
export const SEED_CNN_PARAMETERS: readonly SeedCnnParameter[] = [
  { name: 'conv1.weight', shape: [3, 3, 3, 32], fanIn: 27 },
  { name: 'conv1.bias', shape: [32], fanIn: 27 },
  { name: 'conv2.weight', shape: [3, 3, 32, 64], fanIn: 288 },
  { name: 'conv2.bias', shape: [64], fanIn: 288 },
  { name: 'conv3.weight', shape: [3, 3, 64, 128], fanIn: 576 },
  { name: 'conv3.bias', shape: [128], fanIn: 576 },
  { name: 'fc1.weight', shape: [3072, 512], fanIn: 3072 },
  { name: 'fc1.bias', shape: [512], fanIn: 3072 },
  { name: 'fc2.weight', shape: [512, 60], fanIn: 512 },
  { name: 'fc2.bias', shape: [60], fanIn: 512 },
];

/** Parameters by name, the input `[M, N, T, V, C]` (person-major) and the labels. */
export interface SeedCnnData {
  readonly parameters: ReadonlyMap<string, Float32Array>;
  readonly x: Float32Array;
  readonly labels: Int32Array;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Uniform values in [-bound, bound) from a linear congruential sequence (reproducible, dependency-free). */
function uniform(n: number, bound: number, state: { s: number }): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state.s = (Math.imul(state.s, 1664525) + 1013904223) >>> 0;
    out[i] = (state.s / 2 ** 31 - 1) * bound;
  }
  return out;
}

/** Generates the data. The second person is absent (all zeros) in every other sample, as in NTU. */
export function makeSeedCnnData(seed = 1): SeedCnnData {
  const state = { s: seed };
  const parameters = new Map(SEED_CNN_PARAMETERS.map((p) => [p.name, uniform(size(p.shape), 1 / Math.sqrt(p.fanIn), state)]));
  const { batch, persons, frames, joints, channels, classes } = SEED_CNN;
  const perSample = frames * joints * channels;
  const x = uniform(persons * batch * perSample, 1, state);
  for (let n = 1; n < batch; n += 2) x.fill(0, (batch + n) * perSample, (batch + n + 1) * perSample);
  const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7) % classes);
  return { parameters, x, labels };
}

/** Manifest of the binary file: each array's name, dtype, shape and element offset. */
interface Manifest {
  readonly arrays: readonly { name: string; dtype: 'float32' | 'int32'; shape: readonly number[]; offset: number }[];
}

/** Writes `seed-cnn.json` + `seed-cnn.bin` (little-endian 4-byte elements) into `dir`. */
export function writeSeedCnnData(data: SeedCnnData, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const { batch, persons, frames, joints, channels } = SEED_CNN;
  const entries: [string, 'float32' | 'int32', readonly number[], Float32Array | Int32Array][] = [
    ...SEED_CNN_PARAMETERS.map((p): [string, 'float32', readonly number[], Float32Array] => [p.name, 'float32', p.shape, data.parameters.get(p.name)!]),
    ['x', 'float32', [persons, batch, frames, joints, channels], data.x],
    ['labels', 'int32', [batch], data.labels],
  ];
  let offset = 0;
  const arrays = entries.map(([name, dtype, shape, values]) => {
    const entry = { name, dtype, shape, offset };
    offset += values.length;
    return entry;
  });
  const bytes = new Uint8Array(offset * 4);
  for (const [i, [, , , values]] of entries.entries()) bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), arrays[i]!.offset * 4);
  writeFileSync(join(dir, 'seed-cnn.bin'), bytes);
  writeFileSync(join(dir, 'seed-cnn.json'), JSON.stringify({ arrays } satisfies Manifest, null, 1));
}

/** Reads what {@link writeSeedCnnData} wrote. */
export function readSeedCnnData(dir: string): SeedCnnData {
  const { arrays } = JSON.parse(readFileSync(join(dir, 'seed-cnn.json'), 'utf8')) as Manifest;
  const file = readFileSync(join(dir, 'seed-cnn.bin'));
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  const view = (name: string) => {
    const a = arrays.find((e) => e.name === name);
    if (a === undefined) throw new Error(`${join(dir, 'seed-cnn.json')}: no array '${name}'`);
    return a.dtype === 'int32' ? new Int32Array(buffer, a.offset * 4, size(a.shape)) : new Float32Array(buffer, a.offset * 4, size(a.shape));
  };
  return {
    parameters: new Map(SEED_CNN_PARAMETERS.map((p) => [p.name, view(p.name) as Float32Array])),
    x: view('x') as Float32Array,
    labels: view('labels') as Int32Array,
  };
}
