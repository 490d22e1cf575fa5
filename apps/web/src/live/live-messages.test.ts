import { describe, expect, it } from 'vitest';
import { cameraErrorMessage, layoutMismatch, personStatus } from './live-messages.js';
import type { DetectionBox } from './pose-protocol.js';

const box = (xMin: number, width: number, score: number, height = width): DetectionBox => ({ xMin, yMin: 0.1, width, height, score });

describe('personStatus', () => {
  it('says "no person" when BlazePose returned no skeleton, whatever the detector said', () => {
    expect(personStatus(false, undefined)).toEqual({ kind: 'none', text: expect.stringMatching(/^No person in view/) });
    expect(personStatus(false, [box(0.1, 0.3, 0.9)]).kind).toBe('none');
  });

  it('one person: one box, or tracking without a detector run', () => {
    expect(personStatus(true, undefined)).toEqual({ kind: 'one', text: 'One person in view.' });
    expect(personStatus(true, [box(0.4, 0.3, 0.9)]).kind).toBe('one');
  });

  it('two persons: says how many and which one is tracked (the first box: highest score)', () => {
    // Tracked: the right one, larger.
    const right = personStatus(true, [box(0.55, 0.4, 0.95), box(0.05, 0.3, 0.7)]);
    expect(right.kind).toBe('several');
    expect(right.text).toBe(
      "2 persons in view: tracking the rightmost person (largest, the detector's highest score); the others are ignored. The live model classifies one person.",
    );
    // Tracked: the left one, smaller.
    expect(personStatus(true, [box(0.05, 0.2, 0.9), box(0.5, 0.4, 0.8)]).text).toMatch(
      /^2 persons in view: tracking the leftmost person \(not the largest, the detector's highest score\)/,
    );
    // Three, tracked in the middle.
    expect(personStatus(true, [box(0.4, 0.2, 0.9), box(0.05, 0.2, 0.8), box(0.75, 0.2, 0.7)]).text).toMatch(/^3 persons in view: tracking a person in the middle/);
  });
});

describe('cameraErrorMessage', () => {
  const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });

  it('names a denied permission and what to do', () => {
    expect(cameraErrorMessage(named('NotAllowedError', 'Permission denied'))).toMatch(/^No camera permission: .*\(Permission denied\)\. Allow the camera/);
    expect(cameraErrorMessage(named('SecurityError'))).toMatch(/^No camera permission/);
  });

  it('tells a missing camera, a busy camera and a page without mediaDevices apart', () => {
    expect(cameraErrorMessage(named('NotFoundError'))).toMatch(/^No camera found/);
    expect(cameraErrorMessage(named('NotReadableError'))).toMatch(/another program/);
    expect(cameraErrorMessage(named('NoMediaDevices'))).toMatch(/https or localhost/);
    expect(cameraErrorMessage('odd')).toBe('The camera could not be started: odd');
  });
});

describe('layoutMismatch', () => {
  const live = { joints: 25, channels: 3 };

  it('accepts an ntu25-live model', () => {
    expect(layoutMismatch({ layout: 'ntu25-live', joints: 25, channels: 3 }, live)).toBeUndefined();
  });

  it('refuses ntu25 although V and C agree: the joints differ', () => {
    expect(layoutMismatch({ layout: 'ntu25', joints: 25, channels: 3 }, live)).toMatch(
      /^This model was trained on the ntu25 layout; .*skelnorm train --layout ntu25-live/,
    );
  });

  it('refuses another shape, and a model that does not record its layout', () => {
    expect(layoutMismatch({ layout: 'coco17', joints: 17, channels: 3 }, live)).toMatch(/^This model takes V=17, C=3 \(layout coco17\), not live skeletons/);
    expect(layoutMismatch({ layout: undefined, joints: 25, channels: 3 }, live)).toMatch(/does not record its layout/);
  });
});
