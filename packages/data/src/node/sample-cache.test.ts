import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SkeletonSample } from '../index.js';
import { openSampleCache, writeSampleCache } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'skelnorm-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample = (k: number): SkeletonSample => ({
  name: `S001C001P001R001A${String(k + 1).padStart(3, '0')}`,
  label: k,
  data: Float32Array.from({ length: 2 * 8 * 75 }, (_, i) => k + i / 1000),
  persons: 2, frames: 8, joints: 25, channels: 3, validFrames: 8 - (k % 3), personMask: Uint8Array.of(1, k % 2),
});

describe('sample cache', () => {
  it('round-trips samples in memory and from disk', async () => {
    const path = join(dir, 'a.cache');
    async function* stream() {
      for (let k = 0; k < 20; k++) yield sample(k);
    }
    const written = await writeSampleCache(path, stream(), { meta: { select: 'energy', frames: 8 } });
    expect(written.count).toBe(20);
    expect(readdirSync(dir)).toEqual(['a.cache']);
    for (const inMemory of [true, false]) {
      const cache = await openSampleCache(path, { inMemory });
      expect([cache.size, ...cache.shape]).toEqual([20, 2, 8, 25, 3]);
      expect(cache.meta).toEqual({ select: 'energy', frames: 8 });
      const s = await cache.get(13);
      expect(s.data).toEqual(sample(13).data);
      expect([s.name, s.label, s.validFrames, Array.from(s.personMask)]).toEqual(['S001C001P001R001A014', 13, 7, [1, 1]]);
      const labels = (await cache.dataset().shuffle(1).toArray()).map((x) => x.label);
      expect([...labels].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      await cache.close();
    }
  });

  it('refuses other versions, other files and truncated files, naming the file', async () => {
    const path = join(dir, 'b.cache');
    await writeSampleCache(path, [sample(0), sample(1)]);
    const bytes = readFileSync(path);
    const v2 = Buffer.from(bytes);
    v2.writeUInt32LE(2, 8);
    writeFileSync(join(dir, 'v2.cache'), v2);
    await expect(openSampleCache(join(dir, 'v2.cache'))).rejects.toThrow(/v2.cache: sample-cache format version 2, this build reads version 1; delete the file and pack again/);
    writeFileSync(join(dir, 'junk.cache'), 'hello world, not a cache at all, really not, no, no, no, no, no, no.');
    await expect(openSampleCache(join(dir, 'junk.cache'))).rejects.toThrow(/junk.cache: not a skelnorm sample cache/);
    truncateSync(path, bytes.length - 10);
    await expect(openSampleCache(path)).rejects.toThrow(/b.cache: truncated sample cache/);
  });

  it('leaves the previous file in place when writing fails', async () => {
    const path = join(dir, 'c.cache');
    await writeSampleCache(path, [sample(0)]);
    const odd = { ...sample(1), frames: 4, data: new Float32Array(2 * 4 * 75) };
    await expect(writeSampleCache(path, [sample(0), odd])).rejects.toThrow(/has shape \[2,4,25,3\], expected \[2,8,25,3\]/);
    expect((await openSampleCache(path)).size).toBe(1);
    expect(readdirSync(dir).filter((f) => f.includes('c.cache'))).toEqual(['c.cache']);
  });
});
