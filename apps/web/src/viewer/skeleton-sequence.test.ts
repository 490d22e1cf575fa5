import { describe, expect, it } from 'vitest';
import { appearanceAt, sequenceBounds, sequenceFromPacked } from './skeleton-sequence.js';

describe('skeleton sequences', () => {
  it('drops the all-zero person slot and the all-zero frames of a packed sample', () => {
    // [M = 2, T = 3, V = 2, C = 3]: person 1 in frames 0 and 2, person 2 absent.
    const data = new Float32Array(2 * 3 * 2 * 3);
    data.set([1, 2, 3, 4, 5, 6], 0);
    data.set([7, 8, 9, 10, 11, 12], 12);
    const sequence = sequenceFromPacked('s', data, [2, 3, 2, 3]);
    expect(sequence.frameCount).toBe(3);
    expect(sequence.persons).toHaveLength(1);
    expect([...sequence.persons[0]!.frames]).toEqual([0, 2]);
    expect([...sequence.persons[0]!.xyz]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(appearanceAt(sequence.persons[0]!, 2)).toBe(1);
    expect(appearanceAt(sequence.persons[0]!, 1)).toBe(-1);
  });

  it('turns a z-up (view-aligned) sample to y up, facing the camera', () => {
    // One joint at x = 1 (the shoulder side), y = 2 (behind the person), z = 3 (up).
    const sequence = sequenceFromPacked('s', Float32Array.from([1, 2, 3]), [1, 1, 1, 3], 'z');
    expect([...sequence.persons[0]!.xyz]).toEqual([-1, 3, 2]);
  });

  it('frames the camera on the joints: box centre, half diagonal, lowest y', () => {
    const person = { label: 'p', frames: Int32Array.from([0]), xyz: Float32Array.from([0, 0, 2, 2, 2, 3]) };
    const bounds = sequenceBounds({ name: 's', frameCount: 1, jointCount: 2, persons: [person] });
    expect(bounds.centre).toEqual([1, 1, 2.5]);
    expect(bounds.radius).toBeCloseTo(Math.hypot(2, 2, 1) / 2, 6);
    expect(bounds.floorY).toBe(0);
  });
});
