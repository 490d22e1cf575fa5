import { CocoKeypoint as K, layouts, NtuJoint as J } from '@skelnorm/data';
import { describe, expect, it } from 'vitest';
import { BLAZEPOSE_TO_COCO17, blazePoseToCoco17, coco17ToNtu, BlazePoseLandmark as B, type Keypoint } from './index.js';

describe('BlazePose -> COCO-17', () => {
  it('takes the BlazePose landmark of each COCO keypoint, in COCO order', () => {
    expect(BLAZEPOSE_TO_COCO17).toEqual([0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28]);
    // By name: the layout's keypoint names against BlazePose's.
    const byName: Record<string, number> = {
      nose: B.nose, 'left eye': B.leftEye, 'right eye': B.rightEye, 'left ear': B.leftEar, 'right ear': B.rightEar,
      'left shoulder': B.leftShoulder, 'right shoulder': B.rightShoulder, 'left elbow': B.leftElbow, 'right elbow': B.rightElbow,
      'left wrist': B.leftWrist, 'right wrist': B.rightWrist, 'left hip': B.leftHip, 'right hip': B.rightHip,
      'left knee': B.leftKnee, 'right knee': B.rightKnee, 'left ankle': B.leftAnkle, 'right ankle': B.rightAnkle,
    };
    expect(layouts.coco17.jointNames.map((name) => byName[name])).toEqual(BLAZEPOSE_TO_COCO17);
  });

  it('normalizes pixels as the coco17 layout: (u - w/2) / (w/2), (v - h/2) / (h/2), and keeps the score', () => {
    // Landmark i at pixel (10 i, 5 i) in a 640x480 image, score i / 40.
    const image: Keypoint[] = Array.from({ length: 33 }, (_, i) => ({ x: 10 * i, y: 5 * i, score: i / 40 }));
    const coco = blazePoseToCoco17(image, { width: 640, height: 480 });
    expect(coco).toHaveLength(51);
    BLAZEPOSE_TO_COCO17.forEach((i, k) => {
      expect(coco[k * 3]).toBeCloseTo((10 * i - 320) / 320, 6);
      expect(coco[k * 3 + 1]).toBeCloseTo((5 * i - 240) / 240, 6);
      expect(coco[k * 3 + 2]).toBeCloseTo(i / 40, 6);
    });
    // Corners by hand: (0, 0) -> (-1, -1); (640, 480) -> (1, 1); the centre -> (0, 0).
    const corner = (x: number, y: number) => blazePoseToCoco17(Array.from({ length: 33 }, () => ({ x, y })), { width: 640, height: 480 }).slice(0, 3);
    expect(Array.from(corner(0, 0))).toEqual([-1, -1, 1]);
    expect(Array.from(corner(640, 480))).toEqual([1, 1, 1]);
    expect(Array.from(corner(320, 240))).toEqual([0, 0, 1]);
    expect(() => blazePoseToCoco17(image, { width: 0, height: 480 })).toThrow(/size must be positive/);
  });
});

describe('COCO-17 -> NTU-25 (2D)', () => {
  const coco = new Float32Array(51);
  for (let k = 0; k < 17; k++) coco.set([0.1 * k - 0.8, 0.05 * k - 0.4, 0.3 + k / 50], k * 3);
  const { joints, mask } = coco17ToNtu(coco);
  const at = (j: number) => Array.from(joints.subarray(j * 3, j * 3 + 3));
  const src = (k: number) => Array.from(coco.subarray(k * 3, k * 3 + 3));

  it('has a source for the limbs, head and spine; none for hands, feet, hand tips and thumbs', () => {
    const sourced = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 13, 14, 16, 17, 18, 20];
    expect(Array.from(mask)).toEqual(Array.from({ length: 25 }, (_, j) => (sourced.includes(j) ? 1 : 0)));
    for (const j of [7, 11, 15, 19, 21, 22, 23, 24]) expect(at(j), `joint ${j}`).toEqual([0, 0, 0]);
  });

  it('copies the direct joints and computes head and spine', () => {
    expect(at(J.leftWrist)).toEqual(src(K.leftWrist));
    expect(at(J.rightKnee)).toEqual(src(K.rightKnee));
    const mid = (p: number[], q: number[]) => [(p[0]! + q[0]!) / 2, (p[1]! + q[1]!) / 2, Math.min(p[2]!, q[2]!)];
    const close = (got: number[], want: number[]) => got.forEach((v, c) => expect(v).toBeCloseTo(want[c]!, 5));
    const head = mid(src(K.leftEar), src(K.rightEar));
    const base = mid(src(K.leftHip), src(K.rightHip));
    const shoulder = mid(src(K.leftShoulder), src(K.rightShoulder));
    close(at(J.head), head);
    close(at(J.spineBase), base);
    close(at(J.spineShoulder), shoulder);
    close(at(J.neck), mid(shoulder, head));
    expect(at(J.spineMid)[2]).toBeCloseTo(Math.min(base[2]!, shoulder[2]!), 6);
  });

  it('refuses a wrong length', () => {
    expect(() => coco17ToNtu(new Float32Array(34))).toThrow(/coco17ToNtu: expected 17 \* 3 = 51 numbers/);
  });
});
