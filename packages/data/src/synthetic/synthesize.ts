import { NTU_JOINT_COUNT } from '../kinect-joints.js';
import { formatSampleName } from '../sample-name.js';
import { Generator } from '@skelnorm/nn';
import type { BodyTrack, SkeletonFile } from '../skeleton-file.js';
import { syntheticActions, syntheticClasses, type PoseJoint, type SyntheticAction, type SyntheticClass } from './actions.js';
import { eulerDegrees, forwardKinematics, mirrorPairs, multiply3, quaternionOf, restOffsets } from './body-model.js';
import { createPoseState, evaluateScript, jitterKeys, type Angles, type PerformanceStyle } from './motion.js';

/**
 * A synthetic NTU RGB+D: class scripts performed by 40 simulated performers with their own body
 * sizes, proportions, handedness, posture, amplitude and speed, each performance seen by three
 * Kinects at -45, 0 and +45 degrees (NTU's cameras), with Kinect-like jitter, joint glitches,
 * dropped frames, tracking-id switches and ghost bodies. Sample names `SsssCcccPpppRrrrAaaa` carry the
 * setup, camera, performer, replication and NTU action, so the standard splits apply.
 */

const V = NTU_JOINT_COUNT;
const LEAF_JOINTS = new Set([3, 15, 19, 21, 22, 23, 24]);
const CAMERA_YAW = [0, 45, -45]; // C001 faces the performers' stage, C002 / C003 at +-45 degrees
const EXTREMITIES = [3, 7, 11, 15, 19, 21, 22, 23, 24];

/** Options of {@link synthesizeNtu}. */
export interface SynthesizeNtuOptions {
  /** Number of classes (the first of `syntheticActions`), 1-30; default 12. */
  readonly classes?: number;
  /** Samples per class (performances x cameras); default 48. */
  readonly perClass?: number;
  /** Seed of everything; default 0. */
  readonly seed?: number;
  /** Performers numbered 1..performers (NTU-60: 40, spanning its cross-subject split); default 40. */
  readonly performers?: number;
  /** `'xyz'` (default) or `'all'`: also depth/colour coordinates and orientations (for writing files). */
  readonly fields?: 'xyz' | 'all';
}

/** One synthetic sample. */
export interface SyntheticSkeleton {
  /** `SsssCcccPpppRrrrAaaa`. */
  readonly name: string;
  /** 0-based class label within the synthetic set. */
  readonly label: number;
  /** NTU action number (in the name). */
  readonly action: number;
  /** The file as `parseSkeleton` would return it. */
  readonly file: SkeletonFile;
}

/** A synthetic set: its classes and samples (class-major order). */
export interface SyntheticNtu {
  readonly classes: SyntheticClass[];
  readonly samples: SyntheticSkeleton[];
}


interface Performer {
  readonly boneScale: Float64Array;
  readonly amplitude: number;
  readonly speed: number;
  readonly mirrored: boolean;
  readonly posture: Partial<Record<PoseJoint, Angles>>;
  readonly sway: readonly [number, number];
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The traits of performer `id`: the same in every class, so a performer is a "subject". */
function performerTraits(seed: number, id: number): Performer {
  const r = new Generator(seed, 0x5e1f, id);
  const height = clamp(r.normal(1, 0.06), 0.86, 1.14);
  const boneScale = new Float64Array(V);
  for (let j = 0; j < V; j++) boneScale[j] = height * clamp(r.normal(1, 0.04), 0.9, 1.1);
  for (const [l, rt] of mirrorPairs) boneScale[rt] = boneScale[l]!;
  const side = (sign: number) => [r.normal(0, 4), 0, sign * Math.abs(r.normal(0, 4))] as Angles;
  return {
    boneScale,
    amplitude: clamp(r.normal(1, 0.12), 0.7, 1.3),
    speed: clamp(r.normal(1, 0.12), 0.75, 1.3),
    mirrored: r.nextFloat() < 0.1,
    posture: {
      spine: [r.normal(0, 4), r.normal(0, 3), 0],
      neck: [r.normal(0, 5), 0, r.normal(0, 3)],
      lShoulder: side(-1),
      rShoulder: side(1),
      lElbow: [Math.abs(r.normal(0, 6)), 0, 0],
      rElbow: [Math.abs(r.normal(0, 6)), 0, 0],
    },
    sway: [Math.abs(r.normal(0, 1.5)), r.uniform(0, 2 * Math.PI)],
  };
}

/** Camera height above the floor, distance to the stage and downward tilt of setup `s`. */
function setupGeometry(seed: number, setup: number) {
  const r = new Generator(seed, 0x5e7, setup);
  return { height: r.uniform(0.6, 1.3), distance: r.uniform(2.6, 3.5), pitch: r.uniform(-4, 12) };
}

/** Noise-free motion of one actor in the scene frame: joints `[T, 25, 3]` and world rotations. */
interface ActorMotion {
  readonly joints: Float64Array;
  /** `[T, 25, 9]` world rotations, only when writing all fields. */
  readonly rotations: Float64Array | null;
  readonly lean: Float64Array;
}

function performActor(
  script: NonNullable<SyntheticAction['partner']> | SyntheticAction['performer'],
  performer: Performer,
  r: Generator,
  timing: { lead: number; duration: number; frames: number },
  placement: { x: number; z: number; yaw: number },
  all: boolean,
): ActorMotion {
  const style: PerformanceStyle = {
    amplitude: performer.amplitude * clamp(r.normal(1, 0.1), 0.75, 1.25),
    tempo: clamp(r.normal(1, 0.12), 0.75, 1.3),
    phase: r.uniform(0, 2 * Math.PI),
    mirrored: performer.mirrored,
    posture: performer.posture,
    sway: performer.sway,
  };
  const keys = jitterKeys(script.keys, r, 0.04);
  const offsets = restOffsets(performer.boneScale);
  const rest = forwardKinematics(offsets, [0, 0, 0], eulerDegrees(0, 0, 0), null, null);
  let lowest = 0;
  for (let j = 0; j < V; j++) lowest = Math.min(lowest, rest[j * 3 + 1]!);
  const rootHeight = -lowest + 0.04;
  const yaw = eulerDegrees(0, placement.yaw, 0);
  const { frames: T, lead, duration } = timing;
  const joints = new Float64Array(T * V * 3);
  const lean = new Float64Array(T);
  const rotations = all ? new Float64Array(T * V * 9) : null;
  const body = new Float64Array(V * 3);
  const globals = new Float64Array(V * 9);
  const state = createPoseState();
  const turn = new Float64Array(9);
  for (let t = 0; t < T; t++) {
    const phase = clamp((t - lead) / Math.max(1, duration - 1), 0, 1);
    evaluateScript(script, keys, phase, style, t / 30, state);
    eulerDegrees(0, state.turn, 0, turn);
    forwardKinematics(offsets, [state.root[0], rootHeight + state.root[1], state.root[2]], turn, state.local, state.active, body, globals);
    for (let j = 0; j < V; j++) {
      const x = body[j * 3]!;
      const y = body[j * 3 + 1]!;
      const z = body[j * 3 + 2]!;
      const o = (t * V + j) * 3;
      joints[o] = yaw[0]! * x + yaw[1]! * y + yaw[2]! * z + placement.x;
      joints[o + 1] = yaw[3]! * x + yaw[4]! * y + yaw[5]! * z;
      joints[o + 2] = yaw[6]! * x + yaw[7]! * y + yaw[8]! * z + placement.z;
    }
    lean[t] = state.lean;
    if (rotations) {
      for (let j = 0; j < V; j++) rotations.set(multiply3(yaw, globals.subarray(j * 9, j * 9 + 9)), (t * V + j) * 9);
    }
  }
  return { joints, rotations, lean };
}

/** Collects one body's appearances while a camera's view is rendered. */
class TrackRecorder {
  count = 0;
  readonly frames: Int32Array;
  readonly xyz: Float32Array;
  readonly states: Uint8Array;
  readonly lean: Float32Array;
  readonly depthXY: Float32Array | undefined;
  readonly colorXY: Float32Array | undefined;
  readonly orientation: Float32Array | undefined;
  slots!: Uint8Array;

  constructor(readonly trackingId: string, T: number, all: boolean) {
    this.frames = new Int32Array(T);
    this.xyz = new Float32Array(T * V * 3);
    this.states = new Uint8Array(T * V).fill(2);
    this.lean = new Float32Array(T * 2);
    this.depthXY = all ? new Float32Array(T * V * 2) : undefined;
    this.colorXY = all ? new Float32Array(T * V * 2) : undefined;
    this.orientation = all ? new Float32Array(T * V * 4) : undefined;
  }

  build(): BodyTrack {
    const n = this.count;
    const ones = new Uint8Array(n).fill(1);
    const track: BodyTrack = {
      trackingId: this.trackingId,
      frames: this.frames.slice(0, n),
      slots: this.slots,
      xyz: this.xyz.slice(0, n * V * 3),
      jointTrackingStates: this.states.slice(0, n * V),
      clippedEdges: new Int32Array(n),
      handLeftConfidence: ones,
      handLeftState: ones.slice(),
      handRightConfidence: ones.slice(),
      handRightState: ones.slice(),
      isRestricted: new Uint8Array(n),
      lean: this.lean.slice(0, n * 2),
      trackingState: new Uint8Array(n).fill(2),
    };
    if (!this.depthXY || !this.colorXY || !this.orientation) return track;
    return {
      ...track,
      depthXY: this.depthXY.slice(0, n * V * 2),
      colorXY: this.colorXY.slice(0, n * V * 2),
      orientation: this.orientation.slice(0, n * V * 4),
    };
  }
}

const trackingId = (r: Generator) => `72057594037${String(r.nextInt(1_000_000)).padStart(6, '0')}`;

/** Renders the actors as one Kinect at camera `camera` sees them: a SkeletonFile. */
function renderCamera(
  name: string,
  actors: readonly ActorMotion[],
  T: number,
  geometry: { height: number; distance: number; pitch: number },
  camera: number,
  r: Generator,
  all: boolean,
): SkeletonFile {
  const toCamera = multiply3(eulerDegrees(geometry.pitch, 0, 0), eulerDegrees(0, -CAMERA_YAW[camera - 1]!, 0));
  const depth = geometry.distance + r.normal(0, 0.1);
  const recorders: TrackRecorder[] = [];
  const order = actors.map((_, i) => i);
  if (order.length === 2 && r.nextFloat() < 0.5) order.reverse(); // Kinect lists the two people in either order
  const slotsByFrame: TrackRecorder[][] = Array.from({ length: T }, () => []);

  for (const a of order) {
    const motion = actors[a]!;
    let recorder = new TrackRecorder(trackingId(r), T, all);
    recorders.push(recorder);
    const switchAt = r.nextFloat() < 0.05 ? 10 + r.nextInt(Math.max(1, T - 20)) : -1;
    const dropAt = r.nextFloat() < 0.06 ? 5 + r.nextInt(Math.max(1, T - 10)) : -1;
    const dropLength = 1 + r.nextInt(4);
    const glitch = new Int32Array(V); // frames left of a glitch per joint
    const glitchOffset = new Float64Array(V * 3);
    for (let t = 0; t < T; t++) {
      if (t === switchAt) {
        recorder = new TrackRecorder(trackingId(r), T, all);
        recorders.push(recorder);
      }
      if (dropAt >= 0 && t >= dropAt && t < dropAt + dropLength) continue;
      const n = recorder.count++;
      recorder.frames[n] = t;
      slotsByFrame[t]!.push(recorder);
      for (const j of EXTREMITIES) {
        if (glitch[j]! === 0 && r.nextFloat() < 0.015) {
          glitch[j] = 1 + r.nextInt(4);
          for (let c = 0; c < 3; c++) glitchOffset[j * 3 + c] = r.normal(0, 0.05);
        }
      }
      for (let j = 0; j < V; j++) {
        const o = (t * V + j) * 3;
        const sigma = j === 21 || j === 22 || j === 23 || j === 24 ? 0.012 : EXTREMITIES.includes(j) ? 0.007 : 0.004;
        let px = motion.joints[o]! + r.normal(0, sigma);
        let py = motion.joints[o + 1]! + r.normal(0, sigma);
        let pz = motion.joints[o + 2]! + r.normal(0, sigma);
        if (glitch[j]! > 0) {
          px += glitchOffset[j * 3]!;
          py += glitchOffset[j * 3 + 1]!;
          pz += glitchOffset[j * 3 + 2]!;
          glitch[j]!--;
          recorder.states[n * V + j] = 1;
        }
        // Scene -> camera: turn by the camera's yaw and tilt, then put the stage in front of it.
        const x = toCamera[0]! * px + toCamera[1]! * py + toCamera[2]! * pz;
        const y = toCamera[3]! * px + toCamera[4]! * py + toCamera[5]! * pz - geometry.height;
        const z = toCamera[6]! * px + toCamera[7]! * py + toCamera[8]! * pz + depth;
        const q = n * V + j;
        recorder.xyz[q * 3] = x;
        recorder.xyz[q * 3 + 1] = y;
        recorder.xyz[q * 3 + 2] = z;
        if (recorder.depthXY && recorder.colorXY && recorder.orientation && motion.rotations) {
          recorder.depthXY[q * 2] = 256 + (365 * x) / z;
          recorder.depthXY[q * 2 + 1] = 212 - (365 * y) / z;
          recorder.colorXY[q * 2] = 960 + (1060 * x) / z;
          recorder.colorXY[q * 2 + 1] = 540 - (1060 * y) / z;
          if (!LEAF_JOINTS.has(j)) {
            const quat = quaternionOf(multiply3(toCamera, motion.rotations.subarray((t * V + j) * 9, (t * V + j + 1) * 9)));
            recorder.orientation.set(quat, q * 4);
          }
        }
      }
      recorder.lean[n * 2] = clamp(r.normal(0, 0.03), -1, 1);
      recorder.lean[n * 2 + 1] = clamp(Math.sin((motion.lean[t]! * Math.PI) / 180) + r.normal(0, 0.03), -1, 1);
    }
  }

  // Ghost bodies: a flicker of a few frames, or a wide static object tracked as a body.
  if (r.nextFloat() < 0.12) {
    const ghost = new TrackRecorder(trackingId(r), T, all);
    const object = r.nextFloat() < 0.5;
    const length = object ? Math.max(3, Math.round(T * r.uniform(0.4, 0.9))) : 3 + r.nextInt(8);
    const start = r.nextInt(Math.max(1, T - length + 1));
    const centre = [r.uniform(-1.2, 1.2), r.uniform(-0.6, 0.2), r.uniform(2.6, 4.4)];
    const shape = Array.from({ length: V * 3 }, (_, k) =>
      object ? [r.uniform(-0.6, 0.6), r.uniform(-0.08, 0.08), r.uniform(-0.15, 0.15)][k % 3]! : r.normal(0, 0.25),
    );
    const front = r.nextFloat() < 0.35;
    for (let t = start; t < Math.min(T, start + length); t++) {
      const n = ghost.count++;
      ghost.frames[n] = t;
      if (front) slotsByFrame[t]!.unshift(ghost);
      else slotsByFrame[t]!.push(ghost);
      for (let j = 0; j < V; j++) {
        for (let c = 0; c < 3; c++) ghost.xyz[(n * V + j) * 3 + c] = centre[c]! + shape[j * 3 + c]! + r.normal(0, object ? 0.01 : 0.05);
        ghost.states[n * V + j] = r.nextFloat() < 0.5 ? 1 : 2;
      }
    }
    if (ghost.count > 0) recorders.push(ghost);
  }

  const bodyCounts = new Uint8Array(T);
  for (const rec of recorders) rec.slots = new Uint8Array(rec.count);
  const seen = new Map<TrackRecorder, number>();
  slotsByFrame.forEach((bodies, t) => {
    bodyCounts[t] = bodies.length;
    bodies.forEach((rec, slot) => {
      const i = seen.get(rec) ?? 0;
      rec.slots[i] = slot;
      seen.set(rec, i + 1);
    });
  });
  return { name, frameCount: T, bodyCounts, bodies: recorders.filter((rec) => rec.count > 0).map((rec) => rec.build()) };
}

/**
 * Generates the samples one at a time (class-major): for each class, `ceil(perClass / 3)`
 * performances with distinct (setup, performer, replication), each rendered by up to three cameras.
 */
export function* generateSyntheticNtu(options: SynthesizeNtuOptions = {}): IterableIterator<SyntheticSkeleton> {
  const classCount = options.classes ?? 12;
  const perClass = options.perClass ?? 48;
  const seed = options.seed ?? 0;
  const performerCount = options.performers ?? 40;
  const all = options.fields === 'all';
  if (!Number.isInteger(perClass) || perClass < 1) throw new RangeError(`synthesizeNtu: perClass must be a positive integer, got ${perClass}`);
  if (!Number.isInteger(performerCount) || performerCount < 2 || performerCount > 999) {
    throw new RangeError(`synthesizeNtu: performers must be an integer 2-999, got ${performerCount}`);
  }
  const classes = syntheticClasses(classCount);
  const performers = new Map<number, Performer>();
  const traits = (id: number) => {
    let p = performers.get(id);
    if (!p) performers.set(id, (p = performerTraits(seed, id)));
    return p;
  };
  const setups = 17;
  for (const cls of classes) {
    const action = syntheticActions[cls.label]!;
    const performances = Math.ceil(perClass / 3);
    const grid = setups * performerCount * 2;
    if (performances > grid) throw new RangeError(`synthesizeNtu: perClass ${perClass} needs more than ${grid} distinct performances`);
    const pick = new Generator(seed, 0xc1a5, cls.label).permutation(grid);
    for (let k = 0; k < performances; k++) {
      const g = pick[k]!;
      const setup = (g % setups) + 1;
      const performerId = (Math.floor(g / setups) % performerCount) + 1;
      const replication = Math.floor(g / (setups * performerCount)) + 1;
      const r = new Generator(seed, 0xacd, cls.label, k);
      const performer = traits(performerId);
      const base = r.uniform(action.frames[0], action.frames[1]);
      const duration = Math.round(clamp((base / performer.speed) * clamp(r.normal(1, 0.08), 0.8, 1.2), 24, 280));
      const lead = r.nextInt(11);
      const frames = Math.min(300, lead + duration + r.nextInt(11));
      const timing = { lead, duration, frames };
      const yaw = (replication === 1 ? 45 : -45) + r.normal(0, 6);
      const centre = { x: r.normal(0, 0.12), z: r.normal(0, 0.15) };
      const actors: ActorMotion[] = [];
      if (action.partner) {
        let partnerId = 1 + r.nextInt(performerCount - 1);
        if (partnerId >= performerId) partnerId++;
        const d = action.partner.distance * clamp(r.normal(1, 0.08), 0.8, 1.2);
        const fy = (yaw * Math.PI) / 180;
        // Facing direction of the performer in the scene is Ry(yaw) (0, 0, -1) = (-sin, 0, -cos).
        const [fx, fz] = [-Math.sin(fy), -Math.cos(fy)];
        actors.push(performActor(action.performer, performer, r, timing, { x: centre.x - (fx * d) / 2, z: centre.z - (fz * d) / 2, yaw }, all));
        actors.push(performActor(action.partner, traits(partnerId), r, timing, { x: centre.x + (fx * d) / 2, z: centre.z + (fz * d) / 2, yaw: yaw + 180 }, all));
      } else {
        actors.push(performActor(action.performer, performer, r, timing, { ...centre, yaw }, all));
      }
      const cameras = r.permutation(3);
      const count = Math.min(3, perClass - 3 * k);
      const geometry = setupGeometry(seed, setup);
      for (let c = 0; c < count; c++) {
        const camera = cameras[c]! + 1;
        const name = formatSampleName({ setup, camera, performer: performerId, replication, action: action.action });
        const file = renderCamera(name, actors, frames, geometry, camera, new Generator(seed, 0xca3, cls.label, k, camera), all);
        yield { name, label: cls.label, action: action.action, file };
      }
    }
  }
}

/**
 * A synthetic NTU set in memory (parsed form). Defaults: 12 classes (two of them two-person), 48
 * samples per class, seed 0, performers 1-40.
 *
 * ```ts
 * const { classes, samples } = synthesizeNtu({ classes: 12, perClass: 48, seed: 1 });
 * const sample = packSkeleton(samples[0].file, { frames: 64, label: samples[0].label });
 * ```
 */
export function synthesizeNtu(options: SynthesizeNtuOptions = {}): SyntheticNtu {
  return { classes: syntheticClasses(options.classes ?? 12), samples: [...generateSyntheticNtu(options)] };
}
