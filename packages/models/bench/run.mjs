// Bundles models-bench.ts with the workspace packages' sources (so no build is needed) and runs
// it in Node. The bundle goes under node_modules/.cache so that @tensorflow/* and the wasm
// binaries resolve from the workspace's node_modules. Arguments are passed through, e.g.
//   node bench/run.mjs --backend wasm --seconds 10 --paper --out ../../bench-results/models.json
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const root = here('../../../');
const outfile = `${root}node_modules/.cache/skelnorm-models-bench/models-bench.mjs`;

const workspace = {
  name: 'skelnorm-sources',
  setup(b) {
    b.onResolve({ filter: /^@skelnorm\/[a-z-]+$/ }, (args) => ({ path: `${root}packages/${args.path.slice('@skelnorm/'.length)}/src/index.ts` }));
  },
};

await build({
  entryPoints: [here('./models-bench.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  plugins: [workspace],
  external: ['@tensorflow/*', 'rxjs', 'rxjs/*', 'webgpu'],
  logLevel: 'warning',
});

const args = process.argv.slice(2);
if (!args.includes('--out')) args.push('--out', `${root}bench-results/models.json`);
if (!args.includes('--torch-script')) args.push('--torch-script', here('../../trainer/scripts/torch-bench.py'));
const run = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
