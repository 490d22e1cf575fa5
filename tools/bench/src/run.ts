// `npm run bench` (workspace root): runs every registered bench, prints a table and writes
// bench-results/backends.json. Options: --bench NAME[,NAME] --runners wasm,pytorch,...
// --steps N (default 5) --warmup N (default 2) --torch-threads N (default: cores) --out FILE
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchModule, BenchOptions, BenchRow } from './bench-module.js';
import { seedCnnTraining } from './benches/seed-cnn-training.js';

/** Every bench, in the order they run. Add new ones here. */
const BENCHES: readonly BenchModule[] = [seedCnnTraining];

const workspaceRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const { values } = parseArgs({
  options: {
    bench: { type: 'string' },
    runners: { type: 'string' },
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'torch-threads': { type: 'string', default: String(availableParallelism()) },
    out: { type: 'string', default: join(workspaceRoot, 'bench-results', 'backends.json') },
  },
});

const scratchDir = mkdtempSync(join(tmpdir(), 'skelnorm-bench-'));
const options: BenchOptions = {
  runners: values.runners?.split(',').map((s) => s.trim()),
  steps: Number(values.steps),
  warmup: Number(values.warmup),
  torchThreads: Number(values['torch-threads']),
  workspaceRoot,
  scratchDir,
  log: (line) => console.log(line),
};

const selected = values.bench === undefined ? BENCHES : BENCHES.filter((b) => values.bench!.split(',').includes(b.name));
const rows: BenchRow[] = [];
try {
  for (const bench of selected) {
    console.log(`${bench.name}: ${bench.description}`);
    rows.push(...(await bench.run(options)));
  }
} finally {
  rmSync(scratchDir, { recursive: true, force: true });
}

const fmt = (v: number | null, digits: number) => (v === null ? '-' : v.toFixed(digits));
const table = [
  ['bench', 'runner', 'backend', 'steps', 'ms/step', 'steps/s', 'x PyTorch', 'first loss', 'note'],
  ...rows.map((r) => [r.bench, r.runner, r.backend, String(r.steps), fmt(r.msPerStep, 0), fmt(r.stepsPerSecond, 2), fmt(r.vsPyTorch, 1), fmt(r.firstLoss, 5), r.note.slice(0, 90)]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
console.log();
for (const line of table) console.log(line.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());

const host = { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' };
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify({ createdAt: new Date().toISOString(), host, options: { ...options, log: undefined }, rows }, null, 2)}\n`);
console.log(`\nwrote ${values.out}`);
