// `npm run bench:gpu` at the workspace root: the seed CNN's training step on the GPU backends of
// Node, each in its own process (a backend is chosen once per process, and Dawn reads its Vulkan
// environment when it starts): `node-webgpu` through Dawn, and `node-gpu` where
// @tensorflow/tfjs-node-gpu is installed. One JSON file per backend in bench-results/ (or --out-dir).
// `--swiftshader` runs WebGPU on SwiftShader (Chromium's CPU Vulkan): how this script is tested on
// a machine without a GPU; the figure means nothing there. Other flags pass on to `skelnorm bench`.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dawnSwiftShaderEnv } from '@skelnorm/backends/node';

const args = process.argv.slice(2);
const swiftShader = args.includes('--swiftshader');
const outDirAt = args.indexOf('--out-dir');
const outDir = outDirAt >= 0 ? args[outDirAt + 1] : 'bench-results';
if (outDir === undefined || outDir.startsWith('--')) throw new Error('bench-gpu: --out-dir needs a folder');
// Each backend writes its own file; one --out would have them replace each other.
if (args.includes('--out')) throw new Error('bench-gpu: use --out-dir FOLDER (one JSON file per backend), not --out');
const passOn = args.filter((a, i) => a !== '--swiftshader' && i !== outDirAt && i !== outDirAt + 1);
const cli = fileURLToPath(new URL('../src/test-support/run-cli.ts', import.meta.url));
const stamp = new Date().toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
mkdirSync(outDir, { recursive: true });

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

let env: NodeJS.ProcessEnv = process.env;
if (swiftShader) {
  const found = dawnSwiftShaderEnv();
  if (!found.ok) throw new Error(`--swiftshader: ${found.reason}`);
  env = found.env;
}
const backends = [
  { name: 'node-webgpu', why: undefined },
  { name: 'node-gpu', why: installed('@tensorflow/tfjs-node-gpu') ? undefined : '@tensorflow/tfjs-node-gpu is not installed' },
];
let failed = 0;
for (const { name, why } of backends) {
  if (why !== undefined) {
    console.log(`${name}: skipped (${why})`);
    continue;
  }
  const out = join(outDir, `bench-${name}-${stamp}.json`);
  // Person-sparse execution runs dense on GPU backends (no synchronous read-back): one configuration.
  const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', cli, 'bench', '--workers', '0', '--backend', name, '--person-sparse', 'off', '--out', out, ...passOn], {
    stdio: 'inherit',
    env,
  });
  if (run.status !== 0) {
    failed++;
    console.log(`${name}: failed (exit ${run.status ?? run.signal})`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
