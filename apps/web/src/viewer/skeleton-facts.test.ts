import type { BodyTrack, SkeletonFile } from '@skelnorm/data';
import { describe, expect, it } from 'vitest';
import { describeSkeletonFile } from './skeleton-facts.js';

function body(trackingId: string, frames: number[], state: number): BodyTrack {
  const n = frames.length;
  return {
    trackingId,
    frames: Int32Array.from(frames),
    slots: new Uint8Array(n),
    xyz: new Float32Array(n * 25 * 3).fill(1),
    jointTrackingStates: new Uint8Array(n * 25).fill(state),
    clippedEdges: new Int32Array(n),
    handLeftConfidence: new Uint8Array(n),
    handLeftState: new Uint8Array(n),
    handRightConfidence: new Uint8Array(n),
    handRightState: new Uint8Array(n),
    isRestricted: new Uint8Array(n),
    lean: new Float32Array(n * 2),
    trackingState: new Uint8Array(n).fill(2),
  };
}

describe('skeleton file facts', () => {
  it('counts frames, bodies and tracking states, and flags empty frames and short tracks', () => {
    // 20 frames: body A tracked in frames 0-17, body B (inferred joints) in frame 5 only, frames 18-19 empty.
    const frames = Array.from({ length: 18 }, (_, i) => i);
    const bodyCounts = new Uint8Array(20);
    for (const f of frames) bodyCounts[f] = 1;
    bodyCounts[5] = 2;
    const file: SkeletonFile = { name: 'x.skeleton', frameCount: 20, bodyCounts, bodies: [body('1', frames, 2), body('2', [5], 1)] };
    const { facts, problems } = describeSkeletonFile(file);
    const fact = new Map(facts);
    expect(fact.get('frames')).toBe('20');
    expect(fact.get('bodies')).toBe('2');
    // 18 * 25 tracked and 25 inferred joints: 450 / 475 = 94.7%, 25 / 475 = 5.3%.
    expect(fact.get('joints tracked')).toBe('94.7%');
    expect(fact.get('joints inferred')).toBe('5.3%');
    expect(problems).toEqual(['2 of 20 frames have no body', 'body 2 appears in only 1 frames (likely noise)']);
  });
});
