import { ByteScanner, scanNumberLine } from './byte-scanner.js';
import { NTU_JOINT_COUNT } from './kinect-joints.js';
import type { BodyTrack, SkeletonFile } from './skeleton-file.js';

/** Options of {@link parseSkeleton}. */
export interface ParseSkeletonOptions {
  /** File or sample name used in error messages and kept as `SkeletonFile.name`. Default `'<skeleton>'`. */
  readonly name?: string;
  /**
   * Which per-joint fields to keep. `'xyz'` (default) keeps x, y, z and the tracking state and only
   * validates the other 8 numbers; `'all'` also keeps depth and colour coordinates and orientations.
   */
  readonly fields?: 'xyz' | 'all';
  /** Most body blocks a frame may list; more is reported as an absurd count. Default 6 (Kinect v2). */
  readonly maxBodiesPerFrame?: number;
}

const JOINT_FIELD_NAMES = [
  'x', 'y', 'z', 'depthX', 'depthY', 'colorX', 'colorY', 'orientW', 'orientX', 'orientY', 'orientZ',
] as const;
const BODY_INFO_NAMES = [
  'trackingId', 'clippedEdges', 'handLeftConfidence', 'handLeftState', 'handRightConfidence',
  'handRightState', 'isRestricted', 'leanX', 'leanY', 'trackingState',
] as const;
const V = NTU_JOINT_COUNT;
const encoder = new TextEncoder();

/**
 * Storage of one tracking id's appearances. It starts with room for up to 128 frames and doubles
 * up to the frames left in the file, so a body seen in every frame fills its arrays exactly and a
 * file of many short-lived ids (junk) does not allocate a whole file's worth per id.
 */
class TrackBuilder {
  count = 0;
  lastFrame = -1;
  capacity: number;
  frames: Int32Array;
  slots: Uint8Array;
  xyz: Float32Array;
  states: Uint8Array;
  clippedEdges: Int32Array;
  handLeftConfidence: Uint8Array;
  handLeftState: Uint8Array;
  handRightConfidence: Uint8Array;
  handRightState: Uint8Array;
  isRestricted: Uint8Array;
  trackingState: Uint8Array;
  lean: Float32Array;
  depthXY: Float32Array | undefined;
  colorXY: Float32Array | undefined;
  orientation: Float32Array | undefined;

  constructor(
    readonly idStart: number,
    readonly idLength: number,
    readonly trackingId: string,
    readonly maxCapacity: number,
    all: boolean,
  ) {
    const n = (this.capacity = Math.min(maxCapacity, 128));
    this.frames = new Int32Array(n);
    this.slots = new Uint8Array(n);
    this.xyz = new Float32Array(n * V * 3);
    this.states = new Uint8Array(n * V);
    this.clippedEdges = new Int32Array(n);
    this.handLeftConfidence = new Uint8Array(n);
    this.handLeftState = new Uint8Array(n);
    this.handRightConfidence = new Uint8Array(n);
    this.handRightState = new Uint8Array(n);
    this.isRestricted = new Uint8Array(n);
    this.trackingState = new Uint8Array(n);
    this.lean = new Float32Array(n * 2);
    this.depthXY = all ? new Float32Array(n * V * 2) : undefined;
    this.colorXY = all ? new Float32Array(n * V * 2) : undefined;
    this.orientation = all ? new Float32Array(n * V * 4) : undefined;
  }

  /** Makes room for one more appearance. */
  reserve(): void {
    if (this.count < this.capacity) return;
    const n = Math.min(this.maxCapacity, this.capacity * 2);
    const grow = <A extends Float32Array | Int32Array | Uint8Array>(a: A, width: number): A => {
      const b = new (a.constructor as new (length: number) => A)(n * width);
      b.set(a);
      return b;
    };
    this.frames = grow(this.frames, 1);
    this.slots = grow(this.slots, 1);
    this.xyz = grow(this.xyz, V * 3);
    this.states = grow(this.states, V);
    this.clippedEdges = grow(this.clippedEdges, 1);
    this.handLeftConfidence = grow(this.handLeftConfidence, 1);
    this.handLeftState = grow(this.handLeftState, 1);
    this.handRightConfidence = grow(this.handRightConfidence, 1);
    this.handRightState = grow(this.handRightState, 1);
    this.isRestricted = grow(this.isRestricted, 1);
    this.trackingState = grow(this.trackingState, 1);
    this.lean = grow(this.lean, 2);
    if (this.depthXY) this.depthXY = grow(this.depthXY, V * 2);
    if (this.colorXY) this.colorXY = grow(this.colorXY, V * 2);
    if (this.orientation) this.orientation = grow(this.orientation, V * 4);
    this.capacity = n;
  }

  build(): BodyTrack {
    const n = this.count;
    // A body seen in every frame since it first appeared (the common case) fills its arrays exactly.
    const fit = <A extends Float32Array | Int32Array | Uint8Array>(a: A, width: number): A =>
      (n === this.capacity ? a : a.slice(0, n * width)) as A;
    const track: BodyTrack = {
      trackingId: this.trackingId,
      frames: fit(this.frames, 1),
      slots: fit(this.slots, 1),
      xyz: fit(this.xyz, V * 3),
      jointTrackingStates: fit(this.states, V),
      clippedEdges: fit(this.clippedEdges, 1),
      handLeftConfidence: fit(this.handLeftConfidence, 1),
      handLeftState: fit(this.handLeftState, 1),
      handRightConfidence: fit(this.handRightConfidence, 1),
      handRightState: fit(this.handRightState, 1),
      isRestricted: fit(this.isRestricted, 1),
      lean: fit(this.lean, 2),
      trackingState: fit(this.trackingState, 1),
    };
    if (this.depthXY && this.colorXY && this.orientation) {
      return {
        ...track,
        depthXY: fit(this.depthXY, V * 2),
        colorXY: fit(this.colorXY, V * 2),
        orientation: fit(this.orientation, V * 4),
      };
    }
    return track;
  }
}

/**
 * Parses an NTU RGB+D `.skeleton` file (CRLF or LF) into typed arrays, one {@link BodyTrack} per
 * tracking id. Numbers are scanned from the bytes by hand (no `split`, no per-token strings).
 *
 * Errors are {@link SkeletonParseError}s naming the file, the line and what was expected: empty or
 * truncated files, wrong joint counts, non-numeric tokens (including `NaN`), negative or absurd
 * counts, binary junk, extra numbers on a line or text after the last frame.
 *
 * @param input the file's bytes (or its text).
 * @returns the frame count, the body count per frame and the tracks.
 */
export function parseSkeleton(input: Uint8Array | string, options: ParseSkeletonOptions = {}): SkeletonFile {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  const name = options.name ?? '<skeleton>';
  const all = options.fields === 'all';
  const maxBodies = options.maxBodiesPerFrame ?? 6;
  const s = new ByteScanner(bytes, name);
  const buffer = s.bytes;
  const values = new Float64Array(12);
  // x, y, z and the tracking state; every field with `fields: 'all'`.
  const keepMask = all ? 0xfff : 0x807;

  if (s.atEndOfInput()) {
    s.pos = 0;
    throw s.fail('the frame count on line 1 (the file is empty)');
  }
  s.pos = 0;
  const frameCount = s.int();
  if (Number.isNaN(frameCount)) throw s.fail('the frame count (a non-negative integer)');
  if (frameCount < 0) throw s.failAt(0, 'a non-negative frame count');
  // Every frame takes at least 2 bytes ("0\n"): a larger count cannot be true and would make us
  // allocate for frames that do not exist.
  if (frameCount > (bytes.length - s.pos) / 2) {
    throw s.failAt(0, `a frame count that fits the file (${frameCount} frames need at least ${2 * frameCount} bytes, the file has ${bytes.length}: truncated, or a wrong count)`);
  }
  if (!s.endLine()) throw s.fail('end of line after the frame count');

  const bodyCounts = new Uint8Array(frameCount);
  const tracks: TrackBuilder[] = [];
  const where = (f: number, k: number, bodies: number) => `frame ${f + 1} of ${frameCount}, body ${k + 1} of ${bodies}`;

  for (let f = 0; f < frameCount; f++) {
    const bodiesAt = s.pos;
    const bodies = s.int();
    if (Number.isNaN(bodies)) {
      throw s.fail(s.pos >= s.end ? `frame ${f + 1} of ${frameCount} (file truncated)` : `the body count of frame ${f + 1} (an integer 0-${maxBodies})`);
    }
    if (bodies < 0 || bodies > maxBodies) throw s.failAt(bodiesAt, `a body count between 0 and ${maxBodies} for frame ${f + 1}`);
    if (!s.endLine()) throw s.fail(`end of line after the body count of frame ${f + 1}`);
    bodyCounts[f] = bodies;

    for (let k = 0; k < bodies; k++) {
      // --- body info line ---
      const idStart = s.digitToken();
      if (idStart < 0) {
        throw s.fail(s.pos >= s.end ? `the body info line (${where(f, k, bodies)}; file truncated)` : `a tracking id of decimal digits (${where(f, k, bodies)})`);
      }
      const idLength = s.pos - idStart;
      let track: TrackBuilder | undefined;
      for (let t = 0; t < tracks.length; t++) {
        const c = tracks[t]!;
        if (c.idLength !== idLength || c.lastFrame === f) continue;
        let same = true;
        for (let i = 0; i < idLength; i++) {
          if (buffer[c.idStart + i] !== buffer[idStart + i]) {
            same = false;
            break;
          }
        }
        if (same) {
          track = c;
          break;
        }
      }
      if (!track) {
        track = new TrackBuilder(idStart, idLength, s.text(idStart, idStart + idLength), frameCount - f, all);
        tracks.push(track);
      }
      track.reserve();
      const n = track.count;
      track.frames[n] = f;
      track.slots[n] = k;
      track.lastFrame = f;
      let at = s.pos;
      const clipped = s.int();
      if (!(clipped >= 0)) throw s.failAt(at, `${BODY_INFO_NAMES[1]} (a non-negative integer; ${where(f, k, bodies)})`);
      track.clippedEdges[n] = clipped;
      const bodyFields = [track.handLeftConfidence, track.handLeftState, track.handRightConfidence, track.handRightState, track.isRestricted];
      for (let i = 0; i < 5; i++) {
        at = s.pos;
        const v = s.int();
        if (!(v >= 0 && v <= 255)) throw s.failAt(at, `${BODY_INFO_NAMES[i + 2]} (an integer 0-255; ${where(f, k, bodies)})`);
        bodyFields[i]![n] = v;
      }
      const leanX = s.float();
      if (Number.isNaN(leanX)) throw s.fail(`leanX (a number; ${where(f, k, bodies)})`);
      const leanY = s.float();
      if (Number.isNaN(leanY)) throw s.fail(`leanY (a number; ${where(f, k, bodies)})`);
      track.lean[n * 2] = leanX;
      track.lean[n * 2 + 1] = leanY;
      at = s.pos;
      const bodyState = s.int();
      if (!(bodyState >= 0 && bodyState <= 255)) throw s.failAt(at, `the body trackingState (an integer 0-255; ${where(f, k, bodies)})`);
      track.trackingState[n] = bodyState;
      if (!s.endLine()) throw s.fail(`end of line after the 10 body info fields (${where(f, k, bodies)})`);

      // --- joint count ---
      at = s.pos;
      const joints = s.int();
      if (joints !== V) {
        throw s.failAt(at, Number.isNaN(joints) && s.pos >= s.end ? `the joint count (${where(f, k, bodies)}; file truncated)` : `the joint count ${V} (${where(f, k, bodies)})`);
      }
      if (!s.endLine()) throw s.fail(`end of line after the joint count (${where(f, k, bodies)})`);

      // --- 25 joint lines: the hot path ---
      const xyz = track.xyz;
      const states = track.states;
      const depthXY = track.depthXY;
      const colorXY = track.colorXY;
      const orientation = track.orientation;
      for (let j = 0; j < V; j++) {
        const lineStart = s.pos;
        let next = scanNumberLine(buffer, s.pos, 12, values, keepMask);
        if (next < 0 && !scanJointLineCarefully(s, values)) throw jointError(s, f, k, bodies, j, frameCount);
        if (next >= 0) s.pos = next > s.end ? s.end : next;
        const state = values[11]!;
        // Checked on the line just read (s.pos is already on the next one).
        if (!(state >= 0 && state <= 255 && Number.isInteger(state))) throw jointError(s.at(lineStart), f, k, bodies, j, frameCount);
        // The fields are kept as float32: a value beyond its range would become +-Infinity silently.
        for (let i = 0; i < 11; i++) {
          if (!(Math.abs(values[i]!) <= FLOAT32_MAX)) throw float32Error(s.at(lineStart), i, f, k, bodies, j, frameCount);
        }
        const q = n * V + j;
        xyz[q * 3] = values[0]!;
        xyz[q * 3 + 1] = values[1]!;
        xyz[q * 3 + 2] = values[2]!;
        states[q] = state;
        if (depthXY && colorXY && orientation) {
          depthXY[q * 2] = values[3]!;
          depthXY[q * 2 + 1] = values[4]!;
          colorXY[q * 2] = values[5]!;
          colorXY[q * 2 + 1] = values[6]!;
          for (let i = 0; i < 4; i++) orientation[q * 4 + i] = values[7 + i]!;
        }
      }
      track.count = n + 1;
    }
  }
  if (!s.atEndOfInput()) throw s.fail(`end of file after the ${frameCount} frames the first line announces`);
  return { name, frameCount, bodyCounts, bodies: tracks.map((t) => t.build()) };
}

/**
 * The slow path for a joint line the fast scanner declined (a rare number format, or an error):
 * the careful per-token readers, which also convert long mantissas and large exponents.
 */
function scanJointLineCarefully(s: ByteScanner, values: Float64Array): boolean {
  const start = s.pos;
  for (let i = 0; i < 11; i++) {
    const v = s.float();
    if (Number.isNaN(v)) {
      s.pos = start;
      return false;
    }
    values[i] = v;
  }
  const state = s.int();
  if (Number.isNaN(state) || !s.endLine()) {
    s.pos = start;
    return false;
  }
  values[11] = state;
  return true;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** A joint-line field beyond float32's range (cold path): the error points at the field. */
function float32Error(s: ByteScanner, field: number, f: number, k: number, bodies: number, j: number, frameCount: number) {
  for (let i = 0; i < field; i++) s.float();
  const context = `joint ${j + 1} of ${V}, frame ${f + 1} of ${frameCount}, body ${k + 1} of ${bodies}`;
  return s.fail(`${JOINT_FIELD_NAMES[field]}, field ${field + 1} of 12 (a number within float32's range, |x| <= 3.4e38; ${context})`);
}

/** Works out which of the 12 joint-line fields is wrong (cold path). */
function jointError(s: ByteScanner, f: number, k: number, bodies: number, j: number, frameCount: number) {
  const context = `joint ${j + 1} of ${V}, frame ${f + 1} of ${frameCount}, body ${k + 1} of ${bodies}`;
  const failedAt = s.pos;
  // Re-scan the line from its start to name the field.
  let p = failedAt;
  while (p > 0 && s.bytes[p - 1] !== 10) p--;
  s.pos = p;
  for (let i = 0; i < 11; i++) {
    if (s.pos >= s.end && i === 0) return s.fail(`joint line ${j + 1} of ${V} (${context}; file truncated)`);
    if (Number.isNaN(s.float())) return s.fail(`${JOINT_FIELD_NAMES[i]}, field ${i + 1} of 12 (a finite number; ${context})`);
  }
  const state = s.int();
  if (Number.isNaN(state)) return s.fail(`trackingState, field 12 of 12 (an integer; ${context})`);
  if (state < 0 || state > 255) return s.fail(`trackingState 0-255 (${context})`);
  if (!s.endLine()) return s.fail(`end of line after 12 numbers (${context})`);
  s.pos = failedAt;
  return s.fail(`a joint line of 12 numbers (${context})`);
}

/**
 * Parses a file that arrives in chunks (a stream): gathers the chunks, then runs {@link parseSkeleton}.
 * A `.skeleton` file is small (tens to hundreds of kB), so one pass over one buffer is the fast way.
 */
export async function parseSkeletonChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ParseSkeletonOptions = {},
): Promise<SkeletonFile> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    length += chunk.length;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return parseSkeleton(bytes, options);
}
