/**
 * What a parsed NTU RGB+D `.skeleton` file holds: typed arrays per body track, no per-joint objects.
 *
 * File format (text, CRLF or LF): the frame count; per frame a body count; per body a 10-field info
 * line (`trackingId clippedEdges handLeftConfidence handLeftState handRightConfidence handRightState
 * isRestricted leanX leanY trackingState`), the joint count (25) and 25 joint lines of 12 numbers
 * (`x y z depthX depthY colorX colorY orientW orientX orientY orientZ trackingState`).
 */

/**
 * One body as the Kinect tracked it: every body block with the same tracking id, in frame order.
 * `F` below is `frames.length`, the number of frames this body appears in.
 */
export interface BodyTrack {
  /** Kinect tracking id, kept as its decimal text: 17 digits exceed `Number.MAX_SAFE_INTEGER`. */
  readonly trackingId: string;
  /** 0-based frame index of each appearance, ascending, `[F]`. */
  readonly frames: Int32Array;
  /** Position of this body's block within each of those frames (0 = first body listed), `[F]`. */
  readonly slots: Uint8Array;
  /** Joint positions in camera space (metres), `[F, 25, 3]` (x, y, z). */
  readonly xyz: Float32Array;
  /** Joint tracking state per appearance, `[F, 25]`: 0 not tracked, 1 inferred, 2 tracked. */
  readonly jointTrackingStates: Uint8Array;
  /** Body info `clippedEdges` bit flags, `[F]`. */
  readonly clippedEdges: Int32Array;
  /** Body info `handLeftConfidence`, `[F]`. */
  readonly handLeftConfidence: Uint8Array;
  /** Body info `handLeftState`, `[F]`. */
  readonly handLeftState: Uint8Array;
  /** Body info `handRightConfidence`, `[F]`. */
  readonly handRightConfidence: Uint8Array;
  /** Body info `handRightState`, `[F]`. */
  readonly handRightState: Uint8Array;
  /** Body info `isRestricted`, `[F]`. */
  readonly isRestricted: Uint8Array;
  /** Body lean (leanX, leanY), `[F, 2]`. */
  readonly lean: Float32Array;
  /** Body tracking state, `[F]`. */
  readonly trackingState: Uint8Array;
  /** Depth-image joint coordinates (depthX, depthY), `[F, 25, 2]`; only with `fields: 'all'`. */
  readonly depthXY?: Float32Array;
  /** Colour-image joint coordinates (colorX, colorY), `[F, 25, 2]`; only with `fields: 'all'`. */
  readonly colorXY?: Float32Array;
  /** Joint orientation quaternions (w, x, y, z), `[F, 25, 4]`; only with `fields: 'all'`. */
  readonly orientation?: Float32Array;
}

/** A parsed `.skeleton` file. */
export interface SkeletonFile {
  /** The name given to the parser (file name or sample name), used in messages. */
  readonly name: string;
  /** Frames in the file (the first line). */
  readonly frameCount: number;
  /** Body blocks listed in each frame, `[frameCount]`; 0 for frames without bodies. */
  readonly bodyCounts: Uint8Array;
  /** One track per tracking id, in order of first appearance. */
  readonly bodies: readonly BodyTrack[];
}
