import { LIVE_SPINE_MID_FRACTION, NtuJoint as J } from '@skelnorm/data';
import { describe, expect, it } from 'vitest';
import { BLAZEPOSE_LANDMARK_COUNT, blazePoseToNtu, blazeWorldToKinect, LIVE_SUBJECT_DISTANCE_M, BlazePoseLandmark as B } from './index.js';
import { tPoseWorld } from './test-support/t-pose.js';

const D = LIVE_SUBJECT_DISTANCE_M;
const joint = (xyz: Float32Array, j: number) => Array.from(xyz.subarray(j * 3, j * 3 + 3));
const expectNear = (got: number[], want: number[], what: string) => got.forEach((v, c) => expect(v, `${what}[${c}]`).toBeCloseTo(want[c]!, 5));
const mid = (p: number[], q: number[]) => p.map((v, c) => (v + q[c]!) / 2);

describe('blazeWorldToKinect', () => {
  it('turns x and y, keeps z (a half turn about z: BlazePose y down, x right -> Kinect y up, x left)', () => {
    expect(blazeWorldToKinect({ x: 0.3, y: -0.5, z: 0.2 })).toEqual([-0.3, 0.5, 0.2]);
    expect(blazeWorldToKinect({ x: 1, y: 2 })).toEqual([-1, -2, 0]);
    expect(Object.is(blazeWorldToKinect({ x: 0, y: 0, z: 0 })[0], -0)).toBe(false);
  });
});

describe('blazePoseToNtu on a T-pose', () => {
  const world = tPoseWorld();
  const { xyz, confidence } = blazePoseToNtu(world);
  /** Kinect position of a BlazePose landmark, written out: (-x, -y, z + D). */
  const kinect = (i: number) => [-world[i]!.x, -world[i]!.y, world[i]!.z! + D];
  const score = (i: number) => world[i]!.score!;

  it('puts the direct and approximate joints at (-x, -y, z + distance) with their scores', () => {
    const direct: [number, number][] = [
      [J.leftShoulder, B.leftShoulder], [J.leftElbow, B.leftElbow], [J.leftWrist, B.leftWrist],
      [J.rightShoulder, B.rightShoulder], [J.rightElbow, B.rightElbow], [J.rightWrist, B.rightWrist],
      [J.leftHip, B.leftHip], [J.leftKnee, B.leftKnee], [J.leftAnkle, B.leftAnkle],
      [J.rightHip, B.rightHip], [J.rightKnee, B.rightKnee], [J.rightAnkle, B.rightAnkle],
      [J.leftThumb, B.leftThumb], [J.rightThumb, B.rightThumb],
      [J.leftFoot, B.leftFootIndex], [J.rightFoot, B.rightFootIndex], [J.leftHandTip, B.leftIndex], [J.rightHandTip, B.rightIndex],
    ];
    for (const [j, b] of direct) {
      expectNear(joint(xyz, j), kinect(b), `NTU ${j} <- BlazePose ${b}`);
      expect(confidence[j]).toBeCloseTo(score(b), 6);
    }
  });

  it('keeps the person facing the camera in Kinect axes: left shoulder at -x (image left of the sensor), head up, feet down', () => {
    expect(joint(xyz, J.leftShoulder)[0]).toBeCloseTo(-0.19, 6); // BlazePose +0.19 (image right)
    expect(joint(xyz, J.rightShoulder)[0]).toBeCloseTo(0.19, 6);
    expect(joint(xyz, J.head)[1]).toBeGreaterThan(joint(xyz, J.spineShoulder)[1]!);
    expect(joint(xyz, J.leftFoot)[1]).toBeLessThan(joint(xyz, J.leftKnee)[1]!);
    expect(joint(xyz, J.leftFoot)[2]).toBeLessThan(joint(xyz, J.leftAnkle)[2]!); // toes nearer the camera
  });

  it('computes the head and each synthesised joint by its formula, confidence the minimum of the sources', () => {
    const head = mid(kinect(B.leftEar), kinect(B.rightEar));
    expectNear(joint(xyz, J.head), head, 'head = mid(ears)');
    expect(confidence[J.head]).toBeCloseTo(Math.min(score(B.leftEar), score(B.rightEar)), 6);

    const base = mid(kinect(B.leftHip), kinect(B.rightHip));
    const shoulder = mid(kinect(B.leftShoulder), kinect(B.rightShoulder));
    expectNear(joint(xyz, J.spineBase), base, 'spine base = mid(hips)');
    expectNear(joint(xyz, J.spineBase), [0, -0.01, 0.01 + D], 'spine base by hand');
    expectNear(joint(xyz, J.spineShoulder), shoulder, 'spine shoulder = mid(shoulders)');
    expectNear(joint(xyz, J.spineShoulder), [0, 0.5, D], 'spine shoulder by hand');
    expectNear(joint(xyz, J.spineMid), base.map((v, c) => v + LIVE_SPINE_MID_FRACTION * (shoulder[c]! - v)), 'spine mid');
    expectNear(joint(xyz, J.neck), mid(shoulder, head), 'neck = halfway from spine shoulder to head');
    expectNear(joint(xyz, J.leftHand), mid(kinect(B.leftWrist), kinect(B.leftIndex)), 'left hand = mean(wrist, index)');
    expectNear(joint(xyz, J.rightHand), mid(kinect(B.rightWrist), kinect(B.rightIndex)), 'right hand');

    const hips = Math.min(score(B.leftHip), score(B.rightHip));
    const shoulders = Math.min(score(B.leftShoulder), score(B.rightShoulder));
    expect(confidence[J.spineBase]).toBeCloseTo(hips, 6);
    expect(confidence[J.spineShoulder]).toBeCloseTo(shoulders, 6);
    expect(confidence[J.spineMid]).toBeCloseTo(Math.min(hips, shoulders), 6);
    expect(confidence[J.neck]).toBeCloseTo(Math.min(shoulders, score(B.leftEar), score(B.rightEar)), 6);
    expect(confidence[J.leftHand]).toBeCloseTo(Math.min(score(B.leftWrist), score(B.leftIndex)), 6);
    expect(confidence[J.rightHand]).toBeCloseTo(Math.min(score(B.rightWrist), score(B.rightIndex)), 6);
  });

  it('fills every joint (no zeros) and refuses a list that is not 33 landmarks', () => {
    for (let j = 0; j < 25; j++) expect(joint(xyz, j).some((v) => v !== 0), `joint ${j}`).toBe(true);
    expect(() => blazePoseToNtu(world.slice(0, 17))).toThrow(/blazePoseToNtu: expected BlazePose's 33 landmarks, got 17/);
    expect(world).toHaveLength(BLAZEPOSE_LANDMARK_COUNT);
  });

  it('counts a missing score as 1', () => {
    const bare = blazePoseToNtu(world.map(({ x, y, z }) => ({ x, y, z })));
    expect(Array.from(bare.confidence)).toEqual(new Array(25).fill(1));
  });
});
