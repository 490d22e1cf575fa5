// Replays every *_official.safetensors in SKELNORM_GOLDEN_DIR (default ../shared/golden): the
// official PyTorch implementations' outputs, BatchNorm buffers and step-0 gradients, against the
// registry's models (official-replay.ts says how).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@skelnorm/backends';
import { beforeAll, describe, expect, it } from 'vitest';
import { goldenDir } from '../test-support/tf.js';
import { assertOfficialReplay, formatReplayReport, replayOfficialGolden } from './official-replay.js';

const dir = goldenDir();
const files = readdirSync(dir).filter((f) => /_official\.safetensors$/.test(f)).sort();

// Gradients on wasm only: tfjs-backend-cpu's Conv2DBackpropFilter reads every element through
// TensorBuffer.get, 60x slower than its own forward conv (HCN's step 0 alone: 9 to 13 min on cpu, 3 s on
// wasm; ST-GCN's would take hours). Outputs and buffers replay on both.
const GRADIENTS = { cpu: false, wasm: true } as const;

describe.each(['cpu', 'wasm'] as const)('official implementations against PyTorch (%s)', (backend) => {
  beforeAll(async () => {
    await setupBackend({ prefer: backend });
  });

  it('finds the golden files', () => {
    expect(files.length, `no *_official.safetensors in ${dir}`).toBeGreaterThanOrEqual(1);
  });

  for (const name of files) {
    it(name, () => {
      const report = replayOfficialGolden(readFileSync(join(dir, name)), name, { gradients: GRADIENTS[backend] });
      console.log(`[${backend}] ${formatReplayReport(report)}`);
      assertOfficialReplay(report);
    }, 600_000);
  }
});

describe('the replay itself', () => {
  beforeAll(async () => {
    await setupBackend({ prefer: 'wasm' });
  });

  it('fails a copy with one expected output value changed, naming that tensor', () => {
    const name = 'hcn_official.safetensors';
    const bytes = new Uint8Array(readFileSync(join(dir, name)));
    const target = 'steps.2.output';
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = Number(view.getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, { data_offsets: [number, number] }>;
    const at = 8 + headerLength + header[target]!.data_offsets[0] + 4 * 7; // element 7, float32
    // 1e-3 relative: ten times the tolerance, far inside what a wrong model would produce.
    view.setFloat32(at, view.getFloat32(at, true) * (1 + 1e-3) + 1e-4, true);
    const report = replayOfficialGolden(bytes, `${name} (mutated)`);
    expect(report.failures.map((f) => f.tensor)).toEqual([target]);
    expect(report.worst.tensor).toBe(target);
    expect(() => assertOfficialReplay(report)).toThrow(/worst steps\.2\.output/);
  }, 600_000);

  it('frees every tensor it allocates', () => {
    const bytes = readFileSync(join(dir, 'hcn_official.safetensors'));
    const before = tf.memory().numTensors;
    assertOfficialReplay(replayOfficialGolden(bytes, 'hcn_official.safetensors'));
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);

  it('rejects a file whose model it does not know', () => {
    const bytes = readFileSync(join(dir, 'hcn_official.safetensors'));
    const unknown = Buffer.from(bytes);
    // 'hcn' -> 'xyz' in place: the header keeps its length.
    const header = unknown.subarray(0, 8 + Number(unknown.readBigUInt64LE(0))).toString('latin1');
    const match = /"model":\s*"hcn"/.exec(header);
    expect(match, '"model": "hcn" in the header').not.toBeNull();
    unknown.write('xyz', match!.index + match![0].length - 4, 'latin1');
    expect(() => replayOfficialGolden(unknown, 'renamed')).toThrow(/no model for __metadata__\.model 'xyz'/);
  });
});
