import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/**
 * Test media for the Live screen, made at test time and never committed:
 * - `astronaut.png` (512 x 512, a person from the waist up; NASA, public domain) from Debian's
 *   `python3-imageio`, fetched with `apt-get download` + `dpkg -x` into a cache folder;
 * - a fake-camera video (YUV4MPEG2) of a crop of it moving over a grey frame along a known path,
 *   each frame's number written into its top-left corner as 8 black/white blocks;
 * - a blank frame, and two persons side by side.
 */

const IMAGEIO_PACKAGE = 'python3-imageio';
const ASTRONAUT_IN_PACKAGE = 'usr/lib/python3/dist-packages/imageio/resources/images/astronaut.png';
/** sha256 of astronaut.png in python3-imageio 2.4.1-5 (Debian); the picture is the same in every version. */
const ASTRONAUT_SHA256 = 'b6d8f15b9103f9f9368608886d396d9ce92b10989aee1539a1e37dd1a415b9dd';

const cacheDir = () => join(process.env['SKELNORM_CACHE'] || join(homedir(), '.cache', 'skelnorm'), 'debian');

/**
 * The path of astronaut.png, fetched once into the cache. Throws (never skips) with what to do when
 * it cannot be had.
 */
export function astronautPng(): string {
  const dir = join(cacheDir(), IMAGEIO_PACKAGE);
  const path = join(dir, 'astronaut.png');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    try {
      execFileSync('apt-get', ['download', IMAGEIO_PACKAGE], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      const deb = readdirSync(dir).find((f) => f.startsWith(`${IMAGEIO_PACKAGE}_`) && f.endsWith('.deb'));
      if (deb === undefined) throw new Error('apt-get download wrote no .deb');
      const extracted = join(dir, 'x');
      execFileSync('dpkg', ['-x', join(dir, deb), extracted]);
      execFileSync('cp', [join(extracted, ASTRONAUT_IN_PACKAGE), path]);
      rmSync(extracted, { recursive: true, force: true });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new Error(
        `astronaut.png is needed from Debian's ${IMAGEIO_PACKAGE} and could not be fetched into ${dir} (${detail}). ` +
          `Run \`apt-get update && cd ${dir} && apt-get download ${IMAGEIO_PACKAGE}\` (or put astronaut.png there).`,
      );
    }
  }
  const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
  if (hash !== ASTRONAUT_SHA256) throw new Error(`${path}: sha256 ${hash}, expected ${ASTRONAUT_SHA256} (python3-imageio's astronaut.png); delete it to fetch again`);
  return path;
}

/** An RGB(A) picture in memory. */
interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

function readPng(path: string): Rgba {
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height, data: png.data };
}

function writePng(path: string, picture: Rgba): Promise<void> {
  const png = new PNG({ width: picture.width, height: picture.height });
  png.data = Buffer.from(picture.data);
  return writeFile(path, PNG.sync.write(png));
}

function greyCanvas(width: number, height: number, level = 128): Rgba {
  const data = new Uint8Array(width * height * 4).fill(level);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width, height, data };
}

/** Pastes `source` scaled by `scale` (bilinear) with its top-left at (x0, y0). */
function paste(target: Rgba, source: Rgba, scale: number, x0: number, y0: number): void {
  const w = Math.round(source.width * scale);
  const h = Math.round(source.height * scale);
  for (let y = 0; y < h; y++) {
    const ty = y0 + y;
    if (ty < 0 || ty >= target.height) continue;
    const sy = Math.min(source.height - 1.001, (y + 0.5) / scale - 0.5);
    const y1 = Math.max(0, Math.floor(sy));
    const fy = Math.max(0, sy - y1);
    for (let x = 0; x < w; x++) {
      const tx = x0 + x;
      if (tx < 0 || tx >= target.width) continue;
      const sx = Math.min(source.width - 1.001, (x + 0.5) / scale - 0.5);
      const x1 = Math.max(0, Math.floor(sx));
      const fx = Math.max(0, sx - x1);
      for (let c = 0; c < 3; c++) {
        const at = (xx: number, yy: number) => source.data[(yy * source.width + xx) * 4 + c]!;
        const v = (1 - fy) * ((1 - fx) * at(x1, y1) + fx * at(x1 + 1, y1)) + fy * ((1 - fx) * at(x1, y1 + 1) + fx * at(x1 + 1, y1 + 1));
        target.data[(ty * target.width + tx) * 4 + c] = Math.round(v);
      }
    }
  }
}

/** The frame-number tag: 8 blocks of TAG_BLOCK px, white = 1, black = 0, least significant first. */
export const TAG_BLOCK = 16;
export const TAG_BITS = 8;
export const TAG_ORIGIN = { x: 8, y: 8 } as const;

function drawTag(target: Rgba, value: number): void {
  for (let b = 0; b < TAG_BITS; b++) {
    const level = (value >> b) & 1 ? 255 : 0;
    for (let y = 0; y < TAG_BLOCK; y++) {
      for (let x = 0; x < TAG_BLOCK; x++) {
        const i = ((TAG_ORIGIN.y + y) * target.width + TAG_ORIGIN.x + b * TAG_BLOCK + x) * 4;
        target.data[i] = target.data[i + 1] = target.data[i + 2] = level;
      }
    }
  }
}

/** The moving-person video and its programmed path. */
export interface FakeCamera {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frames: number;
  /** Scale of the astronaut picture in the video. */
  readonly scale: number;
  /** Left edge of the pasted picture in frame k (pixels): the programmed path. */
  readonly offsetX: readonly number[];
}

/**
 * Writes a YUV4MPEG2 (4:2:0) video: astronaut.png at 0.75 scale on a grey 640x480 frame, its left
 * edge at 152 + 120 sin(2 pi k / 45) px (a +-120 px sine sweep, 3 s at 15 fps; Chromium loops it),
 * frame number k in the top-left tag.
 */
export async function writeFakeCamera(astronaut: string, path: string): Promise<FakeCamera> {
  const width = 640;
  const height = 480;
  const fps = 15;
  const frames = 45;
  const scale = 0.75;
  const person = readPng(astronaut);
  const offsetX = Array.from({ length: frames }, (_, k) => Math.round(152 + 120 * Math.sin((2 * Math.PI * k) / frames)));
  const chunks: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (let k = 0; k < frames; k++) {
    const frame = greyCanvas(width, height);
    paste(frame, person, scale, offsetX[k]!, 48);
    drawTag(frame, k);
    chunks.push(Buffer.from('FRAME\n'), rgbaToI420(frame));
  }
  await writeFile(path, Buffer.concat(chunks));
  return { path, width, height, fps, frames, scale, offsetX };
}

/** Full-range BT.601 (JPEG) RGB -> planar Y, U, V with 2x2 chroma averaging. */
function rgbaToI420({ width, height, data }: Rgba): Buffer {
  const out = Buffer.alloc(width * height * 1.5);
  const u0 = width * height;
  const v0 = u0 + (width / 2) * (height / 2);
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      out[y * width + x] = clamp(0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!);
    }
  }
  for (let y = 0; y < height / 2; y++) {
    for (let x = 0; x < width / 2; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const i = ((2 * y + dy) * width + 2 * x + dx) * 4;
        r += data[i]!;
        g += data[i + 1]!;
        b += data[i + 2]!;
      }
      [r, g, b] = [r / 4, g / 4, b / 4];
      out[u0 + y * (width / 2) + x] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      out[v0 + y * (width / 2) + x] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return out;
}

/** A grey 640x480 PNG with nobody in it. */
export function writeBlankFrame(path: string): Promise<void> {
  return writePng(path, greyCanvas(640, 480));
}

/** Two astronauts side by side (the left one smaller), 1024 x 512. */
export function writeTwoPersons(astronaut: string, path: string): Promise<void> {
  const person = readPng(astronaut);
  const frame = greyCanvas(1024, 512);
  paste(frame, person, 0.8, 40, 102);
  paste(frame, person, 1, 512, 0);
  return writePng(path, frame);
}
