import type { SeededRandom } from '../seeded-random.js';
import { eulerDegrees, type Mat3 } from './body-model.js';
import { poseJoints, type ActorScript, type Keyframe, type Oscillation, type Pose, type PoseJoint } from './actions.js';

/**
 * Turns an action script into joint rotations at a normalized time, with the variation of one
 * performance: amplitude, timing of the key poses, oscillation speed and phase, the performer's
 * posture and handedness.
 */

type Angles = [number, number, number];

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
  readonly local: (Mat3 | undefined)[];
  readonly root: [number, number, number];
  readonly turn: number;
  /** Forward lean of the spine in degrees (for the file's leanY), positive forward. */
  readonly lean: number;
}

const JOINT_NAMES = Object.keys(poseJoints) as PoseJoint[];
const MIRROR: Record<PoseJoint, PoseJoint> = {
  spine: 'spine', chest: 'chest', neck: 'neck', lShoulder: 'rShoulder', lElbow: 'rElbow', lWrist: 'rWrist',
  rShoulder: 'lShoulder', rElbow: 'lElbow', rWrist: 'lWrist', lHip: 'rHip', lKnee: 'rKnee', rHip: 'lHip', rKnee: 'lKnee',
};

/** Key times moved by up to `jitter` (keeping their order and the ends at 0 and 1). */
export function jitterKeys(keys: readonly Keyframe[], random: SeededRandom, jitter: number): Keyframe[] {
  const times = keys.map((k, i) => (i === 0 || i === keys.length - 1 ? k.at : k.at + random.uniform(-jitter, jitter)));
  for (let i = 1; i < times.length; i++) times[i] = Math.max(times[i]!, times[i - 1]! + 1e-3);
  return keys.map((k, i) => ({ at: Math.min(1, times[i]!), pose: k.pose }));
}

const smooth = (s: number) => s * s * (3 - 2 * s);

function blendPose(a: Pose, b: Pose, s: number, joint: PoseJoint): Angles {
  const x = a[joint] ?? [0, 0, 0];
  const y = b[joint] ?? [0, 0, 0];
  return [x[0] + (y[0] - x[0]) * s, x[1] + (y[1] - x[1]) * s, x[2] + (y[2] - x[2]) * s];
}

function oscillationValue(o: Oscillation, phase: number, style: PerformanceStyle): number {
  if (phase < o.from || phase > o.to) return 0;
  const u = (phase - o.from) / (o.to - o.from);
  const envelope = smooth(Math.min(1, u / 0.15)) * smooth(Math.min(1, (1 - u) / 0.15));
  const cycles = o.cycles * style.tempo;
  const wave = o.shape === 'bounce' ? Math.abs(Math.sin(Math.PI * cycles * u)) : Math.sin(2 * Math.PI * cycles * u + style.phase);
  return o.amplitude * style.amplitude * envelope * wave;
}

/** The body's state at normalized time `phase` (0-1) of `script` (whose keys were already jittered). */
export function evaluateScript(script: ActorScript, keys: readonly Keyframe[], phase: number, style: PerformanceStyle, time: number): PoseState {
  let k = 0;
  while (k < keys.length - 2 && phase > keys[k + 1]!.at) k++;
  const a = keys[k]!;
  const b = keys[Math.min(k + 1, keys.length - 1)]!;
  const s = b.at > a.at ? smooth(Math.min(1, Math.max(0, (phase - a.at) / (b.at - a.at)))) : 1;
  const angles = new Map<PoseJoint, Angles>();
  for (const joint of JOINT_NAMES) {
    const v = blendPose(a.pose, b.pose, s, joint);
    angles.set(joint, [v[0] * style.amplitude, v[1] * style.amplitude, v[2] * style.amplitude]);
  }
  const ra = a.pose.root ?? [0, 0, 0];
  const rb = b.pose.root ?? [0, 0, 0];
  const root: [number, number, number] = [0, 1, 2].map((c) => (ra[c]! + (rb[c]! - ra[c]!) * s) * style.amplitude) as [number, number, number];
  let turn = (a.pose.turn ?? 0) + ((b.pose.turn ?? 0) - (a.pose.turn ?? 0)) * s;
  for (const o of script.oscillations ?? []) {
    const v = oscillationValue(o, phase, style);
    if (o.target === 'root') root[o.axis] += v;
    else angles.get(o.target)![o.axis] += v;
  }
  if (style.mirrored) {
    const mirrored = new Map<PoseJoint, Angles>();
    for (const [joint, v] of angles) mirrored.set(MIRROR[joint], [v[0], -v[1], -v[2]]);
    angles.clear();
    for (const [joint, v] of mirrored) angles.set(joint, v);
    root[0] = -root[0];
    turn = -turn;
  }
  for (const [joint, offset] of Object.entries(style.posture) as [PoseJoint, Angles][]) {
    const v = angles.get(joint)!;
    v[0] += offset[0];
    v[1] += offset[1];
    v[2] += offset[2];
  }
  angles.get('spine')![0] += style.sway[0] * Math.sin(time * 0.9 + style.sway[1]);
  const local: (Mat3 | undefined)[] = new Array(25).fill(undefined);
  for (const [joint, v] of angles) {
    if (v[0] !== 0 || v[1] !== 0 || v[2] !== 0) local[poseJoints[joint]] = eulerDegrees(v[0], v[1], v[2]);
  }
  return { local, root, turn, lean: -angles.get('spine')![0] };
}
