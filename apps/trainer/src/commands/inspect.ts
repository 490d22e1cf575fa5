import { readFile } from 'node:fs/promises';
import {
  denoiseThresholds, parseSampleName, parseSkeleton, sampleNameOf, selectBodies, slotEnergy, splitOf, ntuBenchmarks,
  type BodyTrack, type SkeletonFile,
} from '@skelnorm/data';
import { formatFlags, parseFlags } from '../args/flags.js';
import type { Command, CommandIO } from '../command.js';

const FLAGS = {
  json: { type: 'boolean', description: 'print one JSON object per file instead of text' },
} as const;

const usage = `Usage: skelnorm inspect FILE [FILE ...] [--json]

Reads NTU RGB+D .skeleton files and reports the sample name's parts and splits, the frames, the
bodies per frame, each tracked body (frames, slots, joint tracking states, depth range, motion),
which bodies each selection policy keeps, and the problems found: frames without bodies, more
than two bodies, short-lived or implausible bodies (noise), gaps, untracked joints, depths outside
the Kinect's range. A file that does not parse is reported with its line and what was expected
(exit code 1).

Options:
${formatFlags(FLAGS)}`;

const V = 25;

interface TrackReport {
  readonly index: number;
  readonly trackingId: string;
  readonly frames: number;
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly gaps: number;
  readonly slots: number[];
  readonly jointStates: { tracked: number; inferred: number; notTracked: number };
  readonly depth: [number, number];
  readonly energy: number;
  readonly implausibleFrames: number;
}

function describeTrack(track: BodyTrack, index: number): TrackReport {
  const n = track.frames.length;
  let tracked = 0;
  let inferred = 0;
  for (const s of track.jointTrackingStates) {
    if (s === 2) tracked++;
    else if (s === 1) inferred++;
  }
  let zMin = Infinity;
  let zMax = -Infinity;
  let implausible = 0;
  for (let i = 0; i < n; i++) {
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let j = 0; j < V; j++) {
      const o = (i * V + j) * 3;
      const [x, y, z] = [track.xyz[o]!, track.xyz[o + 1]!, track.xyz[o + 2]!];
      if (x === 0 && y === 0 && z === 0) continue;
      zMin = Math.min(zMin, z);
      zMax = Math.max(zMax, z);
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    if (maxX - minX > denoiseThresholds.spreadRatio * (maxY - minY)) implausible++;
  }
  const first = track.frames[0] ?? 0;
  const last = track.frames[n - 1] ?? 0;
  const total = n * V || 1;
  return {
    index,
    trackingId: track.trackingId,
    frames: n,
    firstFrame: first + 1,
    lastFrame: last + 1,
    gaps: last - first + 1 - n,
    slots: [...new Set(track.slots)].sort(),
    jointStates: { tracked: tracked / total, inferred: inferred / total, notTracked: (total - tracked - inferred) / total },
    depth: [zMin, zMax],
    energy: slotEnergy(track.xyz),
    implausibleFrames: implausible,
  };
}

function problemsOf(file: SkeletonFile, tracks: TrackReport[], bytes: Uint8Array): string[] {
  const problems: string[] = [];
  const counts = Array.from(file.bodyCounts);
  const empty = counts.filter((c) => c === 0).length;
  if (file.frameCount === 0) problems.push('no frames');
  if (empty > 0) problems.push(`${empty} frame${empty === 1 ? '' : 's'} without any body`);
  const crowded = counts.filter((c) => c > 2).length;
  if (crowded > 0) problems.push(`${crowded} frame${crowded === 1 ? '' : 's'} with more than 2 bodies (max ${Math.max(...counts)})`);
  for (const t of tracks) {
    const label = `body #${t.index} (${t.trackingId})`;
    if (t.frames <= denoiseThresholds.maxNoiseLength) problems.push(`${label} lives only ${t.frames} frame${t.frames === 1 ? '' : 's'} (likely noise)`);
    if (t.frames > 0 && t.implausibleFrames / t.frames >= denoiseThresholds.maxNoisyFrameFraction) {
      problems.push(`${label} is wider than tall in ${t.implausibleFrames} of ${t.frames} frames (likely an object, not a person)`);
    }
    if (t.gaps > 0) problems.push(`${label} disappears for ${t.gaps} frame${t.gaps === 1 ? '' : 's'} between frames ${t.firstFrame} and ${t.lastFrame}`);
    if (t.jointStates.notTracked > 0.1) problems.push(`${label}: ${(t.jointStates.notTracked * 100).toFixed(0)}% of joints not tracked`);
    if (t.depth[0] < 0.5 || t.depth[1] > 8) problems.push(`${label}: depth ${t.depth[0].toFixed(2)}-${t.depth[1].toFixed(2)} m is outside the Kinect's range (0.5-8 m)`);
  }
  const ids = file.bodies.map((b) => b.trackingId);
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeated.length > 0) problems.push(`tracking id ${repeated[0]} appears twice in one frame`);
  if (sampleNameOf(file.name) === undefined) problems.push('the file name holds no sample name SsssCcccPpppRrrrAaaa (no label, no split)');
  if (bytes.length > 0 && !bytes.includes(13)) problems.push('LF line endings (the NTU files use CRLF; both parse)');
  return problems;
}

function inspectOne(path: string, bytes: Uint8Array) {
  const file = parseSkeleton(bytes, { name: path, fields: 'all' });
  const tracks = file.bodies.map((b, i) => describeTrack(b, i + 1));
  const name = sampleNameOf(path);
  let nameProblem: string | undefined;
  let parts: ReturnType<typeof parseSampleName> | undefined;
  try {
    parts = name ? parseSampleName(name) : undefined;
  } catch (error) {
    // Outside NTU's ranges (A000, C004, ...): no label, no split; said as a problem.
    nameProblem = `${(error as Error).message.replace(/^'[^']*': /, 'sample name: ')} (no label, no split)`;
  }
  const splits = name && parts ? Object.fromEntries(ntuBenchmarks.map((b) => [b, splitOf(name, b)])) : undefined;
  const perFrame = new Map<number, number>();
  for (const c of file.bodyCounts) perFrame.set(c, (perFrame.get(c) ?? 0) + 1);
  const rank = (policy: 'order' | 'energy' | 'denoise') =>
    selectBodies(file, { policy }).persons.map((p) => p.trackingIds.map((id) => tracks.find((t) => t.trackingId === id)?.index ?? 0));
  return {
    file: path,
    bytes: bytes.length,
    sample: name ?? null,
    parts: parts ?? null,
    label: parts ? parts.action - 1 : null,
    splits: splits ?? null,
    frames: file.frameCount,
    bodiesPerFrame: Object.fromEntries([...perFrame].sort((a, b) => a[0] - b[0])),
    tracks,
    selection: { order: rank('order'), energy: rank('energy'), denoise: rank('denoise') },
    problems: [...(nameProblem ? [nameProblem] : []), ...problemsOf(file, tracks, bytes)],
  };
}

function printText(r: ReturnType<typeof inspectOne>, io: CommandIO): void {
  io.out(r.file);
  if (r.parts && r.splits) {
    const p = r.parts;
    io.out(`  sample: ${r.sample}: setup ${p.setup}, camera ${p.camera}, performer ${p.performer}, replication ${p.replication}, action ${p.action} (label ${r.label})`);
    io.out(`  splits: ${Object.entries(r.splits).map(([b, s]) => `${b} ${s ?? '-'}`).join(', ')}`);
  }
  io.out(`  frames: ${r.frames}; bodies per frame: ${Object.entries(r.bodiesPerFrame).map(([c, n]) => `${c} in ${n} frame${n === 1 ? '' : 's'}`).join(', ')}`);
  io.out(`  bodies tracked: ${r.tracks.length}`);
  for (const t of r.tracks) {
    const s = t.jointStates;
    io.out(
      `    #${t.index} id ${t.trackingId}: frames ${t.firstFrame}-${t.lastFrame} (${t.frames}), slot ${t.slots.join('/')}, ` +
        `joints tracked ${(s.tracked * 100).toFixed(1)}% / inferred ${(s.inferred * 100).toFixed(1)}% / not ${(s.notTracked * 100).toFixed(1)}%, ` +
        `depth ${t.depth[0].toFixed(2)}-${t.depth[1].toFixed(2)} m, energy ${t.energy.toFixed(3)}`,
    );
  }
  const show = (persons: number[][]) => persons.map((ids) => ids.map((i) => `#${i}`).join('+')).join(', ') || 'none';
  io.out(`  selection: order -> ${show(r.selection.order)}; energy -> ${show(r.selection.energy)}; denoise -> ${show(r.selection.denoise)}`);
  io.out(`  problems: ${r.problems.length === 0 ? 'none' : ''}`);
  for (const p of r.problems) io.out(`    - ${p}`);
}

export const command: Command = {
  name: 'inspect',
  summary: 'report frames, bodies, tracking and problems of .skeleton files',
  usage,
  async run(args, io) {
    const { flags, positionals } = parseFlags(args, FLAGS, { positionals: { min: 1, max: Number.MAX_SAFE_INTEGER } });
    let failed = 0;
    for (const path of positionals) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(path));
      } catch {
        io.err(`${path}: cannot read the file`);
        failed++;
        continue;
      }
      try {
        const report = inspectOne(path, bytes);
        if (flags.json) io.out(JSON.stringify(report));
        else printText(report, io);
      } catch (error) {
        failed++;
        const message = error instanceof Error ? error.message : String(error);
        if (flags.json) io.out(JSON.stringify({ file: path, error: message }));
        io.err(message);
      }
    }
    return failed > 0 ? 1 : 0;
  },
};
