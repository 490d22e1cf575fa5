import type { Generator } from '@skelnorm/nn';
import { eulerDegrees } from './body-model.js';
import { poseJoints, type ActorScript, type Keyframe, type Oscillation, type PoseJoint } from './actions.js';

/**
 * Turns an action script into joint rotations at a normalized time, with the variation of one
 * performance: amplitude, timing of the key poses, oscillation speed and phase, the performer's
 * posture and handedness.
 */

/** Euler angles in degrees (x, y, z). */
export type Angles = [number, number, number];

/** How one performance varies its script. */
export interface PerformanceStyle {
  /** Scale of every angle and root offset of the script (1 = as written). */
  readonly amplitude: number;
  /** Scale of oscillation frequency. */
  readonly tempo: number;
  /** Phase of oscillations, radians. */
  readonly phase: number;
  /** Left-handed performers mirror the script. */
  readonly mirrored: boolean;
  /** The performer's habitual posture, added to every pose. */
  readonly posture: Partial<Record<PoseJoint, Angles>>;
  /** Amplitude (degrees) and phase of a slow idle sway of the spine. */
  readonly sway: readonly [number, number];
}

/** What the body does at one instant: rotations per NTU joint, root offset (metres) and turn (degrees). */
export interface PoseState {
  /** `[25, 9]` local rotations; `active[j]` says which joints have one. */
  readonly local: Float64Array;
  readonly active: Uint8Array;
  readonly root: [number, number, number];
  turn: number;
  /** Forward lean of the spine in degrees (for the file's leanY), positive forward. */
  lean: number;
}

/** Buffers for {@link evaluateScript}, reused frame after frame. */
export function createPoseState(): PoseState {
  return { local: new Float64Array(25 * 9), active: new Uint8Array(25), root: [0, 0, 0], turn: 0, lean: 0 };
}

const JOINT_NAMES = Object.keys(poseJoints) as PoseJoint[];
const JOINT_SLOT = new Map(JOINT_NAMES.map((name, i) => [name, i]));
const MIRROR: Record<PoseJoint, PoseJoint> = {
  spine: 'spine', chest: 'chest', neck: 'neck', lShoulder: 'rShoulder', lElbow: 'rElbow', lWrist: 'rWrist',
  rShoulder: 'lShoulder', rElbow: 'lElbow', rWrist: 'lWrist', lHip: 'rHip', lKnee: 'rKnee', rHip: 'lHip', rKnee: 'lKnee',
};
const MIRROR_SLOT = JOINT_NAMES.map((name) => JOINT_SLOT.get(MIRROR[name])!);
const ZERO: readonly [number, number, number] = [0, 0, 0];

/** Key times moved by up to `jitter` (keeping their order and the ends at 0 and 1). */
export function jitterKeys(keys: readonly Keyframe[], random: Generator, jitter: number): Keyframe[] {
  const times = keys.map((k, i) => (i === 0 || i === keys.length - 1 ? k.at : k.at + random.uniform(-jitter, jitter)));
  for (let i = 1; i < times.length; i++) times[i] = Math.max(times[i]!, times[i - 1]! + 1e-3);
  return keys.map((k, i) => ({ at: Math.min(1, times[i]!), pose: k.pose }));
}

const smooth = (s: number) => s * s * (3 - 2 * s);

function oscillationValue(o: Oscillation, phase: number, style: PerformanceStyle): number {
  if (phase < o.from || phase > o.to) return 0;
  const u = (phase - o.from) / (o.to - o.from);
  const envelope = smooth(Math.min(1, u / 0.15)) * smooth(Math.min(1, (1 - u) / 0.15));
  const cycles = o.cycles * style.tempo;
  const wave = o.shape === 'bounce' ? Math.abs(Math.sin(Math.PI * cycles * u)) : Math.sin(2 * Math.PI * cycles * u + style.phase);
  return o.amplitude * style.amplitude * envelope * wave;
}

const angles = new Float64Array(JOINT_NAMES.length * 3);
const mirrored = new Float64Array(JOINT_NAMES.length * 3);

/**
 * The body's state at normalized time `phase` (0-1) of `script` (whose keys were already jittered),
 * written into `state`.
 *
 * @param time seconds since the start (drives the idle sway).
 */
export function evaluateScript(
  script: ActorScript,
  keys: readonly Keyframe[],
  phase: number,
  style: PerformanceStyle,
  time: number,
  state: PoseState = createPoseState(),
): PoseState {
  let k = 0;
  while (k < keys.length - 2 && phase > keys[k + 1]!.at) k++;
  const a = keys[k]!;
  const b = keys[Math.min(k + 1, keys.length - 1)]!;
  const s = b.at > a.at ? smooth(Math.min(1, Math.max(0, (phase - a.at) / (b.at - a.at)))) : 1;
  JOINT_NAMES.forEach((joint, i) => {
    const x = a.pose[joint] ?? ZERO;
    const y = b.pose[joint] ?? ZERO;
    for (let c = 0; c < 3; c++) angles[i * 3 + c] = (x[c]! + (y[c]! - x[c]!) * s) * style.amplitude;
  });
  const ra = a.pose.root ?? ZERO;
  const rb = b.pose.root ?? ZERO;
  const root = state.root;
  for (let c = 0; c < 3; c++) root[c] = (ra[c]! + (rb[c]! - ra[c]!) * s) * style.amplitude;
  let turn = (a.pose.turn ?? 0) + ((b.pose.turn ?? 0) - (a.pose.turn ?? 0)) * s;
  for (const o of script.oscillations ?? []) {
    const v = oscillationValue(o, phase, style);
    if (o.target === 'root') root[o.axis] += v;
    else {
      const i = JOINT_SLOT.get(o.target)! * 3 + o.axis;
      angles[i] = angles[i]! + v;
    }
  }
  if (style.mirrored) {
    for (let i = 0; i < JOINT_NAMES.length; i++) {
      const m = MIRROR_SLOT[i]! * 3;
      mirrored[m] = angles[i * 3]!;
      mirrored[m + 1] = -angles[i * 3 + 1]!;
      mirrored[m + 2] = -angles[i * 3 + 2]!;
    }
    angles.set(mirrored);
    root[0] = -root[0];
    turn = -turn;
  }
  for (const [joint, offset] of Object.entries(style.posture) as [PoseJoint, Angles][]) {
    const i = JOINT_SLOT.get(joint)! * 3;
    for (let c = 0; c < 3; c++) angles[i + c] = angles[i + c]! + offset[c]!;
  }
  angles[0] = angles[0]! + style.sway[0] * Math.sin(time * 0.9 + style.sway[1]); // spine is slot 0
  state.active.fill(0);
  JOINT_NAMES.forEach((joint, i) => {
    const x = angles[i * 3]!;
    const y = angles[i * 3 + 1]!;
    const z = angles[i * 3 + 2]!;
    if (x === 0 && y === 0 && z === 0) return;
    const j = poseJoints[joint];
    eulerDegrees(x, y, z, state.local, j * 9);
    state.active[j] = 1;
  });
  state.turn = turn;
  state.lean = -angles[0]!;
  return state;
}
