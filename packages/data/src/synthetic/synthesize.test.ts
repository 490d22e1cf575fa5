import { describe, expect, it } from 'vitest';
import {
  builtinSyntheticNtu, formatSkeleton, ntuBones, parseSampleName, parseSkeleton, selectBodies, splitOf, synthesizeNtu, syntheticClasses,
} from '../index.js';
import { readRealSample } from '../test-support/ntu-samples.js';
import { measuredBoneLengths } from './body-model.js';

describe('synthetic NTU', () => {
  it('takes its bone lengths from the real samples of performer P001', () => {
    const files = ['S001C001P001R001A001', 'S001C001P001R001A011'].map((n) => parseSkeleton(readRealSample(n)));
    for (const [joint, parent] of ntuBones) {
      const medians = files.map((f) => {
        const xyz = f.bodies[0]!.xyz;
        const lengths = Array.from({ length: f.frameCount }, (_, t) =>
          Math.hypot(...[0, 1, 2].map((c) => xyz[(t * 25 + joint) * 3 + c]! - xyz[(t * 25 + parent) * 3 + c]!)),
        ).sort((a, b) => a - b);
        const n = lengths.length;
        return n % 2 ? lengths[(n - 1) / 2]! : (lengths[n / 2 - 1]! + lengths[n / 2]!) / 2;
      });
      expect(Math.abs(measuredBoneLengths[joint]! - (medians[0]! + medians[1]!) / 2)).toBeLessThan(0.0015);
    }
  });

  it('has about one two-person class in six', () => {
    expect(syntheticClasses(12).filter((c) => c.persons === 2).map((c) => c.action)).toEqual([58, 52]);
    expect(syntheticClasses(30).filter((c) => c.persons === 2)).toHaveLength(5);
    expect(() => syntheticClasses(31)).toThrow(/1-30/);
  });

  const set = synthesizeNtu({ classes: 12, perClass: 6, seed: 11 });

  it('is reproducible from its seed', () => {
    const again = synthesizeNtu({ classes: 12, perClass: 6, seed: 11 });
    expect(again.samples.map((s) => s.name)).toEqual(set.samples.map((s) => s.name));
    expect(again.samples[7]!.file.bodies[0]!.xyz).toEqual(set.samples[7]!.file.bodies[0]!.xyz);
    const other = synthesizeNtu({ classes: 2, perClass: 3, seed: 12 });
    expect(other.samples[0]!.file.bodies[0]!.xyz).not.toEqual(set.samples[0]!.file.bodies[0]!.xyz);
  });

  it('looks like NTU: names, cameras, depth range, varied lengths, performers on both sides of the split', () => {
    expect(set.samples).toHaveLength(72);
    const names = new Set(set.samples.map((s) => s.name));
    expect(names.size).toBe(72);
    const parts = set.samples.map((s) => parseSampleName(s.name));
    expect(new Set(parts.map((p) => p.camera))).toEqual(new Set([1, 2, 3]));
    expect(new Set(parts.map((p) => splitOf(p, 'ntu60-xsub')))).toEqual(new Set(['train', 'test']));
    const lengths = set.samples.map((s) => s.file.frameCount);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(300);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeGreaterThan(30);
    for (const s of set.samples) {
      const main = selectBodies(s.file, { policy: 'denoise' }).persons;
      expect(main).toHaveLength(syntheticClasses(12)[s.label]!.persons);
      const z = main[0]!.xyz.filter((_, i) => i % 3 === 2 && main[0]!.xyz[i] !== 0);
      expect(Math.min(...z)).toBeGreaterThan(1.2);
      expect(Math.max(...z)).toBeLessThan(5.5);
    }
    // the one-person classes leave the second person absent (ghost bodies aside, which denoise drops)
    const oneMore = set.samples.filter((s) => syntheticClasses(12)[s.label]!.persons === 1 && s.file.bodies.length > 1);
    expect(oneMore.length).toBeLessThan(set.samples.length / 3);
  });

  it('writes real .skeleton text that parses back to the same numbers', () => {
    const full = synthesizeNtu({ classes: 6, perClass: 1, seed: 11, fields: 'all' });
    const s = full.samples[5]!; // two-person handshake
    const text = formatSkeleton(s.file);
    expect(text.split('\r\n')[0]).toBe(String(s.file.frameCount));
    const back = parseSkeleton(text, { name: s.name, fields: 'all' });
    expect(back.bodies.map((b) => b.trackingId)).toEqual(s.file.bodies.map((b) => b.trackingId));
    back.bodies.forEach((b, k) => {
      const a = s.file.bodies[k]!;
      expect(Array.from(b.frames)).toEqual(Array.from(a.frames));
      for (let i = 0; i < a.xyz.length; i++) expect(Math.abs(b.xyz[i]! - a.xyz[i]!)).toBeLessThan(3e-6);
      for (let i = 0; i < a.orientation!.length; i++) expect(Math.abs(b.orientation![i]! - a.orientation![i]!)).toBeLessThan(1e-6);
    });
  });

  it('gives a ready cross-subject train/test pair', async () => {
    const { train, test, classes } = builtinSyntheticNtu({ classes: 6, perClass: 6, seed: 3, frames: 32 });
    expect(classes).toHaveLength(6);
    expect(train.size! + test.size!).toBe(36);
    const first = await train.get(0);
    expect([first.persons, first.frames, first.joints, first.channels]).toEqual([2, 32, 25, 3]);
    for (const s of await train.toArray()) expect(splitOf(s.name, 'ntu60-xsub')).toBe('train');
    for (const s of await test.toArray()) expect(splitOf(s.name, 'ntu60-xsub')).toBe('test');
  });
});
