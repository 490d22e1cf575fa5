/**
 * An orbit camera for a 2D canvas: rotate about the scene centre (yaw about the vertical axis,
 * then pitch), then a pinhole projection. Kinect camera space has y up and z pointing away from the
 * sensor, so yaw = pitch = 0 looks at the scene from where the Kinect stood.
 */
export interface OrbitView {
  /** Rotation about the vertical (y) axis, radians. */
  yaw: number;
  /** Rotation about the horizontal (x) axis after yaw, radians; positive looks down from above. */
  pitch: number;
}

export interface Projection {
  readonly centre: readonly [number, number, number];
  /** Scene radius (metres); the camera sits 3 radii from the centre. */
  readonly radius: number;
  readonly width: number;
  readonly height: number;
}

/** A projected point: canvas pixels and the depth in front of the camera (for draw order). */
export interface ScreenPoint {
  x: number;
  y: number;
  depth: number;
}

/** Projects one camera-space point (metres) to canvas pixels. */
export function project(view: OrbitView, projection: Projection, x: number, y: number, z: number, out: ScreenPoint): ScreenPoint {
  const [cx, cy, cz] = projection.centre;
  const dx = x - cx;
  const dy = y - cy;
  const dz = z - cz;
  const cosY = Math.cos(view.yaw);
  const sinY = Math.sin(view.yaw);
  // Yaw about y.
  const x1 = cosY * dx + sinY * dz;
  const z1 = -sinY * dx + cosY * dz;
  // Pitch about x.
  const cosP = Math.cos(view.pitch);
  const sinP = Math.sin(view.pitch);
  const y2 = cosP * dy + sinP * z1;
  const z2 = -sinP * dy + cosP * z1;
  const distance = 3 * projection.radius;
  const depth = distance + z2;
  const focal = (Math.min(projection.width, projection.height) * distance) / (2 * projection.radius);
  const scale = focal / Math.max(depth, 1e-3);
  // Kinect x grows with the colour image's column (checked on the NTU files), y grows upwards.
  out.x = projection.width / 2 + x1 * scale;
  out.y = projection.height / 2 - y2 * scale;
  out.depth = depth;
  return out;
}
