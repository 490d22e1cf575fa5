/**
 * The motion scripts of the synthetic NTU classes: for each action a few key poses over normalized
 * time (0 = start, 1 = end) and oscillations, for the performer and, in two-person actions, a partner
 * who faces them. Angles are in degrees, `[x, y, z]` about the body axes of the parent (see
 * body-model.ts): for a hanging limb +x swings it forward, +z towards the performer's right; for an
 * upward bone (spine, neck) -x bends forward. Root offsets are metres in the performer's starting
 * frame (y up, -z forward). Scripts describe the right-handed version; left-handed performers mirror.
 */

/** Rotations of the named joints, `[x, y, z]` degrees. */
export interface Pose {
  readonly spine?: readonly [number, number, number];
  readonly chest?: readonly [number, number, number];
  readonly neck?: readonly [number, number, number];
  readonly lShoulder?: readonly [number, number, number];
  readonly lElbow?: readonly [number, number, number];
  readonly lWrist?: readonly [number, number, number];
  readonly rShoulder?: readonly [number, number, number];
  readonly rElbow?: readonly [number, number, number];
  readonly rWrist?: readonly [number, number, number];
  readonly lHip?: readonly [number, number, number];
  readonly lKnee?: readonly [number, number, number];
  readonly rHip?: readonly [number, number, number];
  readonly rKnee?: readonly [number, number, number];
  /** Root translation, metres. */
  readonly root?: readonly [number, number, number];
  /** Turn about the vertical axis, degrees. */
  readonly turn?: number;
}

/** The pose fields that rotate a joint, and the NTU joint each one rotates (its children's bones). */
export const poseJoints = Object.freeze({
  spine: 0, chest: 20, neck: 2, lShoulder: 4, lElbow: 5, lWrist: 6, rShoulder: 8, rElbow: 9, rWrist: 10,
  lHip: 12, lKnee: 13, rHip: 16, rKnee: 17,
} as const);

export type PoseJoint = keyof typeof poseJoints;

/** A pose reached at normalized time `at`. */
export interface Keyframe {
  readonly at: number;
  readonly pose: Pose;
}

/** A sinusoidal component added to one angle (or root coordinate) during `[from, to]`. */
export interface Oscillation {
  readonly target: PoseJoint | 'root';
  readonly axis: 0 | 1 | 2;
  /** Degrees (metres for the root). */
  readonly amplitude: number;
  /** Full periods within the window. */
  readonly cycles: number;
  readonly from: number;
  readonly to: number;
  /** `'sine'` (default) or `'bounce'` (`|sin|`, for hops and steps). */
  readonly shape?: 'sine' | 'bounce';
}

/** One actor's script. */
export interface ActorScript {
  readonly keys: readonly Keyframe[];
  readonly oscillations?: readonly Oscillation[];
}

/** A synthetic action class. */
export interface SyntheticAction {
  /** NTU action number (A001 = 1). */
  readonly action: number;
  readonly name: string;
  /** Typical length in frames at 30 fps, `[min, max]`. */
  readonly frames: readonly [number, number];
  readonly performer: ActorScript;
  /** Two-person actions: the partner, who starts `distance` metres in front, facing the performer. */
  readonly partner?: ActorScript & { readonly distance: number };
}

const rest: Pose = {};
const hold = (pose: Pose, from = 0.3, to = 0.7): Keyframe[] => [
  { at: 0, pose: rest },
  { at: from, pose },
  { at: to, pose },
  { at: 1, pose: rest },
];
const gait = (from: number, to: number, cycles: number): Oscillation[] => [
  { target: 'rHip', axis: 0, amplitude: 25, cycles, from, to },
  { target: 'lHip', axis: 0, amplitude: -25, cycles, from, to },
  { target: 'rKnee', axis: 0, amplitude: -25, cycles: cycles * 2, from, to, shape: 'bounce' },
  { target: 'lKnee', axis: 0, amplitude: -25, cycles: cycles * 2, from, to, shape: 'bounce' },
  { target: 'rShoulder', axis: 0, amplitude: -15, cycles, from, to },
  { target: 'lShoulder', axis: 0, amplitude: 15, cycles, from, to },
];

const handToMouth: Pose = { rShoulder: [40, 30, 0], rElbow: [135, 0, 0] };
const seated: Pose = {
  spine: [-8, 0, 0], rHip: [90, 0, 0], lHip: [90, 0, 0], rKnee: [-90, 0, 0], lKnee: [-90, 0, 0],
  rShoulder: [20, 0, 0], lShoulder: [20, 0, 0], rElbow: [45, 0, 0], lElbow: [45, 0, 0], root: [0, -0.33, 0.1],
};
const halfSeated: Pose = {
  spine: [-35, 0, 0], rHip: [50, 0, 0], lHip: [50, 0, 0], rKnee: [-55, 0, 0], lKnee: [-55, 0, 0], root: [0, -0.14, 0.05],
};

/**
 * The classes, ordered so that any first `k` of them hold about one two-person action in six
 * (positions 5, 11, 17, 23, 29), as NTU-60 has 11 of 60.
 */
export const syntheticActions: readonly SyntheticAction[] = Object.freeze([
  { action: 1, name: 'drink water', frames: [60, 110], performer: { keys: hold({ ...handToMouth, neck: [12, 0, 0] }, 0.3, 0.65) } },
  {
    action: 2, name: 'eat meal/snack', frames: [70, 130],
    performer: {
      keys: [
        { at: 0, pose: rest },
        { at: 0.15, pose: { rShoulder: [35, 25, 0], rElbow: [85, 0, 0] } },
        { at: 0.3, pose: { ...handToMouth, spine: [-8, 0, 0] } },
        { at: 0.45, pose: { rShoulder: [35, 25, 0], rElbow: [85, 0, 0] } },
        { at: 0.6, pose: { ...handToMouth, spine: [-8, 0, 0] } },
        { at: 0.75, pose: { rShoulder: [35, 25, 0], rElbow: [85, 0, 0] } },
        { at: 1, pose: rest },
      ],
    },
  },
  {
    action: 3, name: 'brushing teeth', frames: [70, 140],
    performer: { keys: hold({ rShoulder: [40, 30, 0], rElbow: [125, 0, 0] }, 0.25, 0.8), oscillations: [{ target: 'rShoulder', axis: 1, amplitude: 10, cycles: 7, from: 0.3, to: 0.75 }] },
  },
  {
    action: 4, name: 'brushing hair', frames: [70, 140],
    performer: { keys: hold({ rShoulder: [30, 20, 110], rElbow: [0, 0, 100], neck: [0, 0, -8] }, 0.25, 0.8), oscillations: [{ target: 'rShoulder', axis: 0, amplitude: 14, cycles: 3, from: 0.3, to: 0.75 }] },
  },
  {
    action: 10, name: 'clapping', frames: [50, 100],
    performer: {
      keys: hold({ rShoulder: [45, 30, 0], lShoulder: [45, -30, 0], rElbow: [65, 0, 0], lElbow: [65, 0, 0] }, 0.2, 0.8),
      oscillations: [
        { target: 'rShoulder', axis: 1, amplitude: 12, cycles: 5, from: 0.25, to: 0.75 },
        { target: 'lShoulder', axis: 1, amplitude: -12, cycles: 5, from: 0.25, to: 0.75 },
      ],
    },
  },
  {
    action: 58, name: 'handshaking', frames: [60, 110],
    performer: { keys: hold({ rShoulder: [50, 15, 0], rElbow: [30, 0, 0], root: [0, 0, -0.1] }, 0.35, 0.75), oscillations: [{ target: 'rElbow', axis: 0, amplitude: 8, cycles: 3, from: 0.4, to: 0.7 }] },
    partner: { distance: 1.1, keys: hold({ rShoulder: [50, 15, 0], rElbow: [30, 0, 0], root: [0, 0, -0.15] }, 0.35, 0.75), oscillations: [{ target: 'rElbow', axis: 0, amplitude: 8, cycles: 3, from: 0.4, to: 0.7 }] },
  },
  {
    action: 23, name: 'hand waving', frames: [50, 110],
    performer: { keys: hold({ rShoulder: [10, 0, 80], rElbow: [0, 0, 95] }, 0.25, 0.8), oscillations: [{ target: 'rElbow', axis: 2, amplitude: 22, cycles: 4, from: 0.3, to: 0.75 }] },
  },
  {
    action: 8, name: 'sitting down', frames: [60, 110],
    performer: { keys: [{ at: 0, pose: rest }, { at: 0.2, pose: rest }, { at: 0.5, pose: halfSeated }, { at: 0.8, pose: seated }, { at: 1, pose: seated }] },
  },
  {
    action: 9, name: 'standing up (from sitting position)', frames: [60, 110],
    performer: { keys: [{ at: 0, pose: seated }, { at: 0.2, pose: seated }, { at: 0.5, pose: halfSeated }, { at: 0.8, pose: rest }, { at: 1, pose: rest }] },
  },
  {
    action: 27, name: 'jump up', frames: [45, 90],
    performer: {
      keys: [
        { at: 0, pose: rest },
        { at: 0.3, pose: { spine: [-25, 0, 0], rHip: [50, 0, 0], lHip: [50, 0, 0], rKnee: [-80, 0, 0], lKnee: [-80, 0, 0], rShoulder: [-35, 0, 0], lShoulder: [-35, 0, 0], root: [0, -0.2, 0] } },
        { at: 0.45, pose: { rShoulder: [150, 0, 10], lShoulder: [150, 0, -10], rKnee: [-10, 0, 0], lKnee: [-10, 0, 0], root: [0, 0.28, 0] } },
        { at: 0.6, pose: { spine: [-20, 0, 0], rHip: [40, 0, 0], lHip: [40, 0, 0], rKnee: [-65, 0, 0], lKnee: [-65, 0, 0], rShoulder: [30, 0, 0], lShoulder: [30, 0, 0], root: [0, -0.16, 0] } },
        { at: 0.8, pose: rest },
        { at: 1, pose: rest },
      ],
    },
  },
  { action: 31, name: 'pointing to something with finger', frames: [50, 100], performer: { keys: hold({ rShoulder: [85, 10, 0], rElbow: [5, 0, 0] }, 0.35, 0.75) } },
  {
    action: 52, name: 'pushing other person', frames: [50, 90],
    performer: {
      keys: [
        { at: 0, pose: rest },
        { at: 0.4, pose: { rShoulder: [75, 15, 0], lShoulder: [75, -15, 0], rElbow: [75, 0, 0], lElbow: [75, 0, 0], root: [0, 0, -0.15] } },
        { at: 0.55, pose: { rShoulder: [85, 12, 0], lShoulder: [85, -12, 0], rElbow: [10, 0, 0], lElbow: [10, 0, 0], spine: [-15, 0, 0], root: [0, 0, -0.35] } },
        { at: 0.75, pose: { rShoulder: [60, 10, 0], lShoulder: [60, -10, 0], rElbow: [20, 0, 0], lElbow: [20, 0, 0], root: [0, 0, -0.35] } },
        { at: 1, pose: { root: [0, 0, -0.3] } },
      ],
    },
    partner: {
      distance: 0.85,
      keys: [
        { at: 0, pose: rest },
        { at: 0.5, pose: rest },
        { at: 0.65, pose: { spine: [15, 0, 0], rShoulder: [30, 0, 10], lShoulder: [30, 0, -10], root: [0, 0, 0.35] } },
        { at: 1, pose: { root: [0, 0, 0.45] } },
      ],
    },
  },
  {
    action: 6, name: 'pickup', frames: [60, 120],
    performer: {
      keys: [
        { at: 0, pose: rest },
        { at: 0.4, pose: { spine: [-75, 0, 0], rHip: [15, 0, 0], lHip: [15, 0, 0], rKnee: [-25, 0, 0], lKnee: [-25, 0, 0], rShoulder: [55, 10, 0], root: [0, -0.05, 0.08] } },
        { at: 0.55, pose: { spine: [-75, 0, 0], rHip: [15, 0, 0], lHip: [15, 0, 0], rKnee: [-25, 0, 0], lKnee: [-25, 0, 0], rShoulder: [50, 10, 0], rElbow: [20, 0, 0], root: [0, -0.05, 0.08] } },
        { at: 0.85, pose: { rShoulder: [20, 10, 0], rElbow: [60, 0, 0] } },
        { at: 1, pose: { rShoulder: [20, 10, 0], rElbow: [60, 0, 0] } },
      ],
    },
  },
  {
    action: 5, name: 'drop', frames: [50, 100],
    performer: {
      keys: [
        { at: 0, pose: { rShoulder: [30, 10, 0], rElbow: [70, 0, 0] } },
        { at: 0.35, pose: { rShoulder: [30, 10, 0], rElbow: [70, 0, 0] } },
        { at: 0.5, pose: { rShoulder: [45, 10, 0], rElbow: [10, 0, 0] } },
        { at: 0.7, pose: { rShoulder: [15, 0, 0], rElbow: [15, 0, 0], spine: [-15, 0, 0], neck: [-20, 0, 0] } },
        { at: 1, pose: rest },
      ],
    },
  },
  {
    action: 7, name: 'throw', frames: [45, 90],
    performer: {
      keys: [
        { at: 0, pose: rest },
        { at: 0.35, pose: { rShoulder: [150, 0, 30], rElbow: [90, 0, 0], spine: [10, 15, 0] } },
        { at: 0.5, pose: { rShoulder: [60, 20, 0], rElbow: [10, 0, 0], spine: [-15, -15, 0], root: [0, 0, -0.1] } },
        { at: 0.65, pose: { rShoulder: [20, 0, 0], root: [0, 0, -0.1] } },
        { at: 1, pose: { root: [0, 0, -0.1] } },
      ],
    },
  },
  {
    action: 43, name: 'falling', frames: [60, 110],
    performer: {
      keys: [
        { at: 0, pose: rest },
        { at: 0.3, pose: { spine: [-20, 0, 0], rKnee: [-30, 0, 0], lKnee: [-30, 0, 0], rHip: [20, 0, 0], lHip: [20, 0, 0], root: [0, -0.05, 0] } },
        { at: 0.55, pose: { spine: [-50, 0, 0], rHip: [70, 0, 0], lHip: [70, 0, 0], rKnee: [-100, 0, 0], lKnee: [-100, 0, 0], rShoulder: [70, 0, 0], lShoulder: [70, 0, 0], root: [0, -0.45, -0.2] } },
        { at: 0.8, pose: { spine: [-80, 0, 0], rHip: [90, 0, 0], lHip: [90, 0, 0], rKnee: [-30, 0, 0], lKnee: [-30, 0, 0], rShoulder: [120, 0, 0], lShoulder: [120, 0, 0], root: [0, -0.62, -0.4] } },
        { at: 1, pose: { spine: [-80, 0, 0], rHip: [90, 0, 0], lHip: [90, 0, 0], rKnee: [-30, 0, 0], lKnee: [-30, 0, 0], rShoulder: [120, 0, 0], lShoulder: [120, 0, 0], root: [0, -0.62, -0.4] } },
      ],
    },
  },
  { action: 38, name: 'salute', frames: [50, 100], performer: { keys: hold({ rShoulder: [0, 45, 85], rElbow: [0, 0, 130] }, 0.3, 0.7) } },
  {
    action: 55, name: 'hugging other person', frames: [70, 130],
    performer: {
      keys: hold({ rShoulder: [75, 40, 0], lShoulder: [75, -40, 0], rElbow: [0, 0, -70], lElbow: [0, 0, 70], root: [0, 0, -0.3] }, 0.4, 0.75),
      oscillations: [{ target: 'spine', axis: 1, amplitude: 6, cycles: 2, from: 0.4, to: 0.75 }],
    },
    partner: {
      distance: 1.0,
      keys: hold({ rShoulder: [75, 40, 0], lShoulder: [75, -40, 0], rElbow: [0, 0, -70], lElbow: [0, 0, 70], root: [0, 0, -0.3] }, 0.4, 0.75),
      oscillations: [{ target: 'spine', axis: 1, amplitude: 6, cycles: 2, from: 0.4, to: 0.75 }],
    },
  },
  {
    action: 24, name: 'kicking something', frames: [45, 90],
    performer: {
      keys: [
        { at: 0, pose: rest },
        { at: 0.35, pose: { rHip: [-20, 0, 0], rKnee: [-60, 0, 0], spine: [-5, 0, 0] } },
        { at: 0.5, pose: { rHip: [70, 0, 0], rKnee: [-5, 0, 0], spine: [10, 0, 0], lShoulder: [25, 0, 0], rShoulder: [-15, 0, 0] } },
        { at: 0.65, pose: { rHip: [20, 0, 0], rKnee: [-30, 0, 0] } },
        { at: 1, pose: rest },
      ],
    },
  },
  {
    action: 26, name: 'hopping (one foot jumping)', frames: [50, 110],
    performer: {
      keys: hold({ lHip: [25, 0, 0], lKnee: [-80, 0, 0], lShoulder: [0, 0, -20], rShoulder: [0, 0, 20] }, 0.15, 0.85),
      oscillations: [
        { target: 'root', axis: 1, amplitude: 0.09, cycles: 4, from: 0.2, to: 0.8, shape: 'bounce' },
        { target: 'rKnee', axis: 0, amplitude: -15, cycles: 4, from: 0.2, to: 0.8, shape: 'bounce' },
      ],
    },
  },
  {
    action: 34, name: 'rub two hands together', frames: [60, 120],
    performer: {
      keys: hold({ rShoulder: [40, 30, 0], lShoulder: [40, -30, 0], rElbow: [85, 0, 0], lElbow: [85, 0, 0] }, 0.25, 0.8),
      oscillations: [
        { target: 'rShoulder', axis: 0, amplitude: 6, cycles: 6, from: 0.3, to: 0.75 },
        { target: 'lShoulder', axis: 0, amplitude: -6, cycles: 6, from: 0.3, to: 0.75 },
      ],
    },
  },
  { action: 35, name: 'nod head/bow', frames: [45, 90], performer: { keys: hold({ spine: [-40, 0, 0], neck: [-20, 0, 0] }, 0.4, 0.55) } },
  {
    action: 36, name: 'shake head', frames: [45, 90],
    performer: {
      keys: [{ at: 0, pose: rest }, { at: 1, pose: rest }],
      oscillations: [
        { target: 'neck', axis: 1, amplitude: 35, cycles: 3, from: 0.2, to: 0.8 },
        { target: 'chest', axis: 1, amplitude: -5, cycles: 3, from: 0.2, to: 0.8 },
      ],
    },
  },
  {
    action: 59, name: 'walking towards each other', frames: [70, 130],
    performer: { keys: [{ at: 0, pose: rest }, { at: 0.1, pose: rest }, { at: 0.9, pose: { root: [0, 0, -1] } }, { at: 1, pose: { root: [0, 0, -1] } }], oscillations: gait(0.1, 0.9, 3) },
    partner: { distance: 2.9, keys: [{ at: 0, pose: rest }, { at: 0.1, pose: rest }, { at: 0.9, pose: { root: [0, 0, -1] } }, { at: 1, pose: { root: [0, 0, -1] } }], oscillations: gait(0.1, 0.9, 3) },
  },
  {
    action: 40, name: 'cross hands in front (say stop)', frames: [50, 100],
    performer: { keys: hold({ rShoulder: [60, 50, 0], lShoulder: [60, -50, 0], rElbow: [60, 0, 0], lElbow: [60, 0, 0] }, 0.3, 0.7) },
  },
  {
    action: 22, name: 'cheer up', frames: [50, 100],
    performer: {
      keys: hold({ rShoulder: [0, 0, 150], lShoulder: [0, 0, -150], rElbow: [0, 0, 20], lElbow: [0, 0, -20] }, 0.25, 0.8),
      oscillations: [
        { target: 'rShoulder', axis: 2, amplitude: 15, cycles: 4, from: 0.3, to: 0.75 },
        { target: 'lShoulder', axis: 2, amplitude: -15, cycles: 4, from: 0.3, to: 0.75 },
      ],
    },
  },
  { action: 44, name: 'touch head (headache)', frames: [60, 120], performer: { keys: hold({ rShoulder: [60, 35, 20], rElbow: [140, 0, 0], neck: [-10, 0, 0], spine: [-10, 0, 0] }, 0.35, 0.8) } },
  { action: 45, name: 'touch chest (stomachache/heart pain)', frames: [60, 120], performer: { keys: hold({ rShoulder: [10, 50, 0], rElbow: [125, 0, 0], spine: [-15, 0, 0] }, 0.35, 0.8) } },
  { action: 28, name: 'make a phone call/answer phone', frames: [70, 140], performer: { keys: hold({ rShoulder: [30, 0, 35], rElbow: [150, 0, 0], neck: [0, 0, -8] }, 0.3, 0.85) } },
  {
    action: 60, name: 'walking apart from each other', frames: [70, 130],
    performer: { keys: [{ at: 0, pose: rest }, { at: 0.2, pose: { turn: 180 } }, { at: 0.9, pose: { turn: 180, root: [0, 0, 1] } }, { at: 1, pose: { turn: 180, root: [0, 0, 1] } }], oscillations: gait(0.2, 0.9, 3) },
    partner: { distance: 0.9, keys: [{ at: 0, pose: rest }, { at: 0.2, pose: { turn: 180 } }, { at: 0.9, pose: { turn: 180, root: [0, 0, 1] } }, { at: 1, pose: { turn: 180, root: [0, 0, 1] } }], oscillations: gait(0.2, 0.9, 3) },
  },
] satisfies SyntheticAction[]);

/** A class of a synthetic set: its 0-based label, NTU action number, name and person count. */
export interface SyntheticClass {
  readonly label: number;
  readonly action: number;
  readonly name: string;
  readonly persons: 1 | 2;
}

/** The first `count` synthetic classes (1 <= count <= 30), labels 0..count-1. */
export function syntheticClasses(count: number): SyntheticClass[] {
  if (!Number.isInteger(count) || count < 1 || count > syntheticActions.length) {
    throw new RangeError(`syntheticClasses: count must be an integer 1-${syntheticActions.length}, got ${count}`);
  }
  return syntheticActions.slice(0, count).map((a, label) => ({ label, action: a.action, name: a.name, persons: a.partner ? 2 : 1 }));
}
