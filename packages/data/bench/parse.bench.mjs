// Benchmark of @skelnorm/data: .skeleton parse throughput (MB/s on one core) against a Python +
// numpy reader, and batches/s from the binary sample cache. Run from packages/data:
//   npm run bench                       (builds dist/, then runs this file)
//   BENCH_MB=100 node bench/parse.bench.mjs
// Writes bench-results/parse.json (gitignored). Times are CPU time of this process
// (process.cpuUsage), so that other load on a shared machine does not count; wall time is reported too.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSkeleton, generateSyntheticNtu, packSkeleton, parseSkeleton } from '../dist/index.js';
import { openSampleCache, writeSampleCache } from '../dist/node/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const targetMB = Number(process.env.BENCH_MB ?? 64);
const distinctFiles = Number(process.env.BENCH_DISTINCT ?? 60);
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

const cpuSeconds = (fn) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - t0) / 1000 };
};
const cpuSecondsAsync = async (fn) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - t0) / 1000, value };
};

// 1. A corpus in memory: synthetic NTU files (all 12 fields, CRLF), repeated up to the target size.
console.log(`corpus: ${distinctFiles} distinct synthetic files, repeated to ${targetMB} MB`);
const encoder = new TextEncoder();
const distinct = [];
for (const s of generateSyntheticNtu({ classes: 12, perClass: Math.ceil(distinctFiles / 12), seed: 1, fields: 'all' })) {
  distinct.push({ name: s.name, bytes: encoder.encode(formatSkeleton(s.file)) });
  if (distinct.length === distinctFiles) break;
}
const corpus = [];
let corpusBytes = 0;
for (let i = 0; corpusBytes < targetMB * 1e6; i++) {
  const f = distinct[i % distinct.length];
  corpus.push(f);
  corpusBytes += f.bytes.length;
}
console.log(`corpus: ${corpus.length} files, ${(corpusBytes / 1e6).toFixed(1)} MB`);

// 2. JavaScript parse throughput, best of 5 passes (the first warms the JIT up).
const runs = [];
let sink = 0;
for (let r = 0; r < 5; r++) {
  runs.push(cpuSeconds(() => {
    for (const f of corpus) sink += parseSkeleton(f.bytes, { name: f.name }).frameCount;
  }));
}
const best = runs.reduce((a, b) => (b.cpu < a.cpu ? b : a));
const jsMBps = corpusBytes / best.cpu / 1e6;
console.log(`parse (JS, fields xyz): ${jsMBps.toFixed(0)} MB/s CPU time (${(corpusBytes / best.wall / 1e6).toFixed(0)} MB/s wall), passes: ${runs.map((r) => (corpusBytes / r.cpu / 1e6).toFixed(0)).join(', ')}`);
const allRun = [0, 1, 2]
  .map(() => cpuSeconds(() => {
    for (const f of corpus) sink += parseSkeleton(f.bytes, { name: f.name, fields: 'all' }).frameCount;
  }))
  .reduce((a, b) => (b.cpu < a.cpu ? b : a));
const jsAllMBps = corpusBytes / allRun.cpu / 1e6;
console.log(`parse (JS, fields all): ${jsAllMBps.toFixed(0)} MB/s CPU time`);

// 3. The Python + numpy reader on the distinct files (written to a temporary folder).
let python = null;
const work = mkdtempSync(join(tmpdir(), 'skelnorm-bench-'));
try {
  let hasNumpy = false;
  if (existsSync(PYTHON)) {
    try {
      execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
      hasNumpy = true;
    } catch {
      hasNumpy = false;
    }
  }
  if (hasNumpy) {
    const folder = join(work, 'corpus');
    mkdirSync(folder);
    for (const f of distinct) writeFileSync(join(folder, `${f.name}.skeleton`), f.bytes);
    python = JSON.parse(execFileSync(PYTHON, [join(here, 'read_skeleton.py'), folder, '3']).toString());
    console.log(`parse (Python ${PYTHON} + numpy ${python.numpy}): ${python.mb_per_s.toFixed(1)} MB/s CPU time -> JS is ${(jsMBps / python.mb_per_s).toFixed(1)}x`);
  } else {
    console.log(`parse (Python): skipped, no numpy at ${PYTHON}`);
  }

  // 4. Cache: pack the distinct files (T = 64), write a cache of about the corpus's sample count,
  //    then batches/s of 32 through Dataset.shuffle().batch() with the cpu backend.
  await tf.setBackend('cpu');
  const packed = distinct.map((f) => packSkeleton(parseSkeleton(f.bytes, { name: f.name }), { frames: 64 }));
  const cachePath = join(work, 'samples.skcache');
  const count = 2048;
  const written = await writeSampleCache(cachePath, (function* () {
    for (let i = 0; i < count; i++) yield packed[i % packed.length];
  })());
  const cacheResults = {};
  for (const inMemory of [true, true, false]) {
    const cache = await openSampleCache(cachePath, { inMemory });
    const ds = cache.dataset().shuffle(0).batch(32, { dropRemainder: true });
    let batches = 0;
    const run = await cpuSecondsAsync(async () => {
      for await (const b of ds) {
        batches++;
        b.dispose();
      }
    });
    await cache.close();
    const perSecond = batches / run.wall;
    // The first in-memory pass warms the JIT and tfjs up; the second one counts.
    cacheResults[inMemory ? 'inMemory' : 'fromDisk'] = { batches, batchSize: 32, shape: [32, 2, 64, 25, 3], wallSeconds: run.wall, cpuSeconds: run.cpu, batchesPerSecond: perSecond, samplesPerSecond: perSecond * 32 };
    console.log(`cache (${inMemory ? 'in memory' : 'from disk'}): ${perSecond.toFixed(0)} batches/s of [32, 2, 64, 25, 3] (${(perSecond * 32).toFixed(0)} samples/s, wall)`);
  }

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    corpus: { files: corpus.length, distinctFiles: distinct.length, megabytes: corpusBytes / 1e6 },
    parse: { jsMBps, jsAllFieldsMBps: jsAllMBps, passesMBps: runs.map((r) => corpusBytes / r.cpu / 1e6), wallMBps: corpusBytes / best.wall / 1e6, pythonNumpyMBps: python?.mb_per_s ?? null, speedupOverPython: python ? jsMBps / python.mb_per_s : null, targetMBps: 300 },
    cache: { file: { samples: written.count, bytes: written.bytes }, ...cacheResults },
  };
  const outDir = join(here, '..', 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'parse.json'), JSON.stringify(result, null, 1) + '\n');
  console.log(`wrote ${join(outDir, 'parse.json')}${sink < 0 ? '' : ''}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
