import { describe, expect, it } from 'vitest';
import { project, type Projection } from './orbit-camera.js';

// A 600 x 400 canvas, scene radius 1 m around (0, 1, 3): the camera sits 3 m in front of the
// centre and the focal length is min(w, h) * 3 / (2 * 1) = 600 px, so a point 1 m from the centre
// in the image plane lands 600 / 3 = 200 px from the canvas centre.
const projection: Projection = { centre: [0, 1, 3], radius: 1, width: 600, height: 400 };
const at = (yaw: number, pitch: number, x: number, y: number, z: number) => project({ yaw, pitch }, projection, x, y, z, { x: 0, y: 0, depth: 0 });

describe('orbit camera', () => {
  it('maps the scene centre to the canvas centre at depth 3 radii', () => {
    expect(at(0, 0, 0, 1, 3)).toEqual({ x: 300, y: 200, depth: 3 });
  });

  it('keeps Kinect x to the right and y up when looking from the sensor', () => {
    const right = at(0, 0, 1, 1, 3);
    expect(right.x).toBeCloseTo(500, 9);
    expect(right.y).toBeCloseTo(200, 9);
    const up = at(0, 0, 0, 2, 3);
    expect(up.x).toBeCloseTo(300, 9);
    expect(up.y).toBeCloseTo(0, 9);
  });

  it('turns a point in front of the centre to the side with a quarter turn of yaw', () => {
    // (0, 1, 2) is 1 m nearer the sensor; yawed by 90 degrees it lies in the image plane, 1 m left.
    const p = at(Math.PI / 2, 0, 0, 1, 2);
    expect(p.x).toBeCloseTo(100, 9);
    expect(p.depth).toBeCloseTo(3, 9);
  });

  it('looks down with positive pitch: farther points rise on the screen', () => {
    const near = at(0, 0.5, 0, 1, 2.5);
    const far = at(0, 0.5, 0, 1, 3.5);
    expect(far.y).toBeLessThan(near.y);
  });
});
