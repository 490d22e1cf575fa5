import { describe, expect, it } from 'vitest';
import { parseSkeleton, selectBodies, slotEnergy, packSkeleton, type SkeletonFile } from './index.js';
import { readRealSample } from './test-support/ntu-samples.js';

/** A file with given bodies per frame: each body `[id, xyzOf(frame)]`. */
function makeFile(frames: number, bodiesAt: (f: number) => [string, (j: number) => [number, number, number]][]): SkeletonFile {
  const lines = [String(frames)];
  for (let f = 0; f < frames; f++) {
    const bodies = bodiesAt(f);
    lines.push(String(bodies.length));
    for (const [id, at] of bodies) {
      lines.push(`${id} 0 1 1 1 1 0 0 0 2`, '25');
      for (let j = 0; j < 25; j++) lines.push(`${at(j).join(' ')} 0 0 0 0 0 0 0 0 2`);
    }
  }
  return parseSkeleton(lines.join('\n') + '\n', { name: 'S001C001P001R001A050' });
}
/** An upright, person-shaped body (taller than wide) at x, moving by `motion` per frame. */
const person = (x: number, f: number, motion: number) => (j: number): [number, number, number] => [x + 0.02 * (j % 5) + motion * Math.sin(f + j), 1.6 * (j / 24) - 0.8, 3];

describe('body selection', () => {
  it('computes 2s-AGCN energy as the sum of the x, y, z standard deviations over non-zero frames', () => {
    // Two frames of one joint each... use 25 joints: frame 0 all at (0,0,1), frame 1 all at (2,4,1), frame 2 zero.
    const xyz = new Float32Array(3 * 75);
    for (let j = 0; j < 25; j++) {
      xyz.set([0, 0, 1], j * 3);
      xyz.set([2, 4, 1], 75 + j * 3);
    }
    // std of x over {0 x25, 2 x25} = 1; y: 2; z: 0 -> 3 (frame 2 is all zero and left out).
    expect(slotEnergy(xyz)).toBeCloseTo(3, 12);
  });

  it('order keeps file order, energy ranks by motion, denoise drops short and wide ghosts', () => {
    const file = makeFile(40, (f) => {
      const bodies: [string, (j: number) => [number, number, number]][] = [];
      if (f >= 10 && f < 16) bodies.push(['999', person(-1, f, 0.3)]); // flicker: 6 frames, slot 0
      bodies.push(['100', person(0, f, 0.001)]); // still person
      bodies.push(['200', person(0.8, f, 0.05)]); // moving person
      bodies.push(['300', (j) => [-1.5 + 0.12 * j, 0.3 + 0.001 * (j % 3), 3.5]]); // wide static object, whole file
      return bodies;
    });
    const ids = (policy: 'order' | 'energy' | 'denoise') => selectBodies(file, { policy }).persons.map((p) => p.trackingIds);
    expect(ids('order')).toEqual([['100', '999'], ['200', '100']]); // slots, as ST-GCN reads them
    const denoised = ids('denoise');
    expect(denoised).toEqual([['200'], ['100']]); // ghost (<= 11 frames) and wide object dropped, ranked by motion
    const energy = selectBodies(file, { policy: 'energy' }).persons;
    expect(energy).toHaveLength(2);
  });

  it('energy keeps the two liveliest of up to 4 slots, in rank order', () => {
    const file = makeFile(30, (f) => [
      ['1', (j) => [0.01 * j, 0.3, 3]], // static object in slot 0
      ['2', person(0, f, 0.02)],
      ['3', person(0.8, f, 0.2)], // most motion
      ['4', person(-0.8, f, 0)],
    ]);
    expect(selectBodies(file, { policy: 'energy' }).persons.map((p) => p.trackingIds)).toEqual([['3'], ['2']]);
    expect(selectBodies(file, { policy: 'energy', energySlots: 2 }).persons.map((p) => p.trackingIds)).toEqual([['2'], ['1']]);
  });

  it('keeps both persons of the real handshaking sample under every policy', () => {
    const file = parseSkeleton(readRealSample('S001C003P008R002A058'), { name: 'S001C003P008R002A058' });
    for (const policy of ['order', 'energy', 'denoise'] as const) {
      const { persons } = selectBodies(file, { policy });
      expect(persons).toHaveLength(2);
      expect(new Set(persons.flatMap((p) => p.trackingIds))).toEqual(new Set(['72057594037944738', '72057594037944734']));
      expect(persons.every((p) => p.present.every((v) => v === 1))).toBe(true);
    }
  });

  it('packs one-person samples with an all-zero second person and a mask', () => {
    const file = parseSkeleton(readRealSample('S001C001P001R001A001'), { name: 'S001C001P001R001A001' });
    const sample = packSkeleton(file, { frames: 64 });
    expect([sample.persons, sample.frames, sample.joints, sample.channels]).toEqual([2, 64, 25, 3]);
    expect(Array.from(sample.personMask)).toEqual([1, 0]);
    expect(sample.data.subarray(64 * 75).every((v) => v === 0)).toBe(true);
    expect(sample.label).toBe(0);
    expect(sample.name).toBe('S001C001P001R001A001');
  });
});
