import type { DetectionBox } from './pose-protocol.js';

/** The layout that the Live screen feeds its classifier (BlazePose world landmarks mapped to NTU). */
export const LIVE_LAYOUT = 'ntu25-live';

/** What the person line under the video says, and a key for styling and tests. */
export interface PersonStatus {
  readonly kind: 'none' | 'one' | 'several';
  readonly text: string;
}

function describePosition(tracked: DetectionBox, others: readonly DetectionBox[]): string {
  const centre = (box: DetectionBox) => box.xMin + box.width / 2;
  const area = (box: DetectionBox) => box.width * box.height;
  const x = centre(tracked);
  const side =
    others.every((o) => x < centre(o)) ? 'the leftmost person'
    : others.every((o) => x > centre(o)) ? 'the rightmost person'
    : 'a person in the middle';
  const size = others.every((o) => area(tracked) >= area(o)) ? 'largest' : 'not the largest';
  return `${side} (${size}, the detector's highest score)`;
}

/**
 * The person line: nobody in view, one person, or several (BlazePose tracks one: it says which).
 *
 * @param posed whether BlazePose returned a skeleton for the frame.
 * @param detections the detector's boxes at its last run, highest score first (the first is the
 *   tracked one), or undefined when it has not run since the person was found.
 */
export function personStatus(posed: boolean, detections: readonly DetectionBox[] | undefined): PersonStatus {
  if (!posed) return { kind: 'none', text: 'No person in view: step into the picture (the whole upper body helps).' };
  if (detections === undefined || detections.length < 2) return { kind: 'one', text: 'One person in view.' };
  const [tracked, ...others] = detections as [DetectionBox, ...DetectionBox[]];
  return {
    kind: 'several',
    text: `${detections.length} persons in view: tracking ${describePosition(tracked, others)}; the others are ignored. The live model classifies one person.`,
  };
}

/** A getUserMedia failure (or its absence) in words that say what to do. */
export function cameraErrorMessage(error: unknown): string {
  const name = error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException) ? (error as Error).name : '';
  const detail = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return `No camera permission: the browser denied access to the camera (${detail}). Allow the camera for this page (site settings, or the camera icon in the address bar) and press Start camera again, or pick a video file.`;
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return `No camera found (${detail}). Connect one, or pick a video file.`;
    case 'NotReadableError':
    case 'TrackStartError':
      return `The camera could not be started; another program may be using it (${detail}).`;
    case 'NoMediaDevices':
      return 'This page cannot use a camera: navigator.mediaDevices is missing (camera access needs https or localhost). Pick a video file instead.';
    default:
      return `The camera could not be started: ${name ? `${name}: ` : ''}${detail}`;
  }
}

/** What a model says about the input it expects. */
export interface ModelInputLayout {
  /** The layout the model was built for (`layout` of its options or of the run config), if recorded. */
  readonly layout: string | undefined;
  /** V and C of that input. */
  readonly joints: number;
  readonly channels: number;
}

/**
 * Why a model cannot classify live skeletons, or undefined when it can. `ntu25` shares V and C
 * with `ntu25-live` but not its joints (six are recomputed from BlazePose landmarks), so the layout
 * name must match, not only the shape.
 */
export function layoutMismatch(model: ModelInputLayout, live: { readonly joints: number; readonly channels: number }): string | undefined {
  const fix = `The Live screen feeds ${LIVE_LAYOUT} skeletons (V=${live.joints}, C=${live.channels}): pick a model trained with "skelnorm train --layout ${LIVE_LAYOUT}".`;
  if (model.joints !== live.joints || model.channels !== live.channels) {
    return `This model takes V=${model.joints}, C=${model.channels} (layout ${model.layout ?? 'not recorded'}), not live skeletons. ${fix}`;
  }
  if (model.layout === undefined) return `This model does not record its layout, so it cannot be checked against live skeletons. ${fix}`;
  if (model.layout !== LIVE_LAYOUT) {
    return `This model was trained on the ${model.layout} layout; its joints do not match live skeletons (spine, neck and hands are recomputed from BlazePose). ${fix}`;
  }
  return undefined;
}
