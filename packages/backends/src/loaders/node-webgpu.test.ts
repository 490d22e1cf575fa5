// WebGPU in Node (Dawn) trains like the cpu backend: one SGD step of a tiny conv + dense model.
//
// Without a GPU this runs on SwiftShader (Chromium's CPU Vulkan driver, Debian package
// `chromium`). Dawn reads VK_ICD_FILENAMES when it creates its instance and loads
// libvulkan.so.1 by name; where the system has no libvulkan1, Chromium's own copy must be on
// LD_LIBRARY_PATH, which the dynamic loader reads only at process start. So the WebGPU side
// always runs in a child process started with that environment (dawnSwiftShaderEnv), and the
// cpu reference in this one. A missing SwiftShader is a failure that says what to install,
// not a skip; SKELNORM_SKIP_WEBGPU=1 skips visibly.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SOURCE_NODE_ARGS } from '@skelnorm/test-support';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../index.js';
import { dawnSwiftShaderEnv } from '../node/index.js';
import { runTinyTrainingStep, type TinyStepResult } from '../test-support/tiny-training-step.js';

const child = fileURLToPath(new URL('../test-support/tiny-training-step-child.ts', import.meta.url));
const skip = process.env['SKELNORM_SKIP_WEBGPU'] === '1';

describe('node-webgpu (Dawn)', () => {
  it.skipIf(skip)('gives the same losses and update as cpu for one SGD step (SKELNORM_SKIP_WEBGPU=1 skips)', { timeout: 180_000 }, async () => {
    const swiftShader = dawnSwiftShaderEnv();
    if (!swiftShader.ok) {
      throw new Error(`WebGPU test cannot run: ${swiftShader.reason}. Set SKELNORM_SKIP_WEBGPU=1 to skip it knowingly.`);
    }
    await setupBackend({ prefer: 'cpu' });
    const expected = await runTinyTrainingStep();

    const { stdout } = await promisify(execFile)(process.execPath, [...SOURCE_NODE_ARGS, child], {
      env: swiftShader.env,
      timeout: 170_000,
      maxBuffer: 1 << 20,
    });
    const line = stdout.trim().split('\n').pop() ?? '';
    const { choice, result } = JSON.parse(line) as { choice: { name: string; reason: string }; result: TinyStepResult };

    expect(choice.name).toBe('webgpu');
    expect(result.backend).toBe('webgpu');
    expect(result.lossBefore).toBeCloseTo(expected.lossBefore, 4);
    expect(result.lossAfter).toBeCloseTo(expected.lossAfter, 4);
    expect(result.lossAfter).toBeLessThan(result.lossBefore);
    result.filterAfter.forEach((v, i) => expect(v).toBeCloseTo(expected.filterAfter[i] ?? NaN, 4));
  });
});
