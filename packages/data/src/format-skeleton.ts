import { NTU_JOINT_COUNT } from './kinect-joints.js';
import type { BodyTrack, SkeletonFile } from './skeleton-file.js';

/**
 * Writes a {@link SkeletonFile} in the `.skeleton` text format, numbers as the Kinect SDK's C# code
 * printed them (`float.ToString()`: 7 significant digits, trailing zeros dropped, `E-05` style below
 * 1e-4): the inverse of `parseSkeleton` up to that rounding. Fields a track does not hold (depth and
 * colour coordinates, orientations) are written as 0.
 */

/** Formats a number like C#'s `float.ToString()` (general format, 7 significant digits). */
export function formatKinectNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return value === 0 ? '0' : String(value);
  const abs = Math.abs(value);
  if (abs < 1e-4 || abs >= 1e7) {
    const [mantissa, exponent] = value.toExponential(6).split('e') as [string, string];
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const e = Number(exponent);
    return `${m}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const text = value.toPrecision(7);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** Options of {@link formatSkeleton}. */
export interface FormatSkeletonOptions {
  /** Line ending; default `'\r\n'` as in the NTU RGB+D files. */
  readonly lineEnding?: '\r\n' | '\n';
}

/** The `.skeleton` text of a parsed (or synthesized) file. */
export function formatSkeleton(file: SkeletonFile, options: FormatSkeletonOptions = {}): string {
  const eol = options.lineEnding ?? '\r\n';
  const V = NTU_JOINT_COUNT;
  // Per frame, the (track, appearance) pairs in slot order.
  const perFrame: [BodyTrack, number][][] = Array.from({ length: file.frameCount }, () => []);
  for (const track of file.bodies) {
    for (let i = 0; i < track.frames.length; i++) perFrame[track.frames[i]!]!.push([track, i]);
  }
  const f = formatKinectNumber;
  const out: string[] = [String(file.frameCount)];
  perFrame.forEach((bodies, frame) => {
    bodies.sort((a, b) => a[0].slots[a[1]]! - b[0].slots[b[1]]!);
    if (bodies.length !== (file.bodyCounts[frame] ?? bodies.length)) {
      throw new RangeError(`formatSkeleton: ${file.name} frame ${frame + 1} lists ${file.bodyCounts[frame]} bodies but its tracks hold ${bodies.length}`);
    }
    out.push(String(bodies.length));
    for (const [t, i] of bodies) {
      out.push(
        `${t.trackingId} ${t.clippedEdges[i]} ${t.handLeftConfidence[i]} ${t.handLeftState[i]} ${t.handRightConfidence[i]} ${t.handRightState[i]} ${t.isRestricted[i]} ${f(t.lean[i * 2]!)} ${f(t.lean[i * 2 + 1]!)} ${t.trackingState[i]}`,
      );
      out.push(String(V));
      for (let j = 0; j < V; j++) {
        const q = i * V + j;
        const xyz = `${f(t.xyz[q * 3]!)} ${f(t.xyz[q * 3 + 1]!)} ${f(t.xyz[q * 3 + 2]!)}`;
        const depth = t.depthXY ? `${f(t.depthXY[q * 2]!)} ${f(t.depthXY[q * 2 + 1]!)}` : '0 0';
        const color = t.colorXY ? `${f(t.colorXY[q * 2]!)} ${f(t.colorXY[q * 2 + 1]!)}` : '0 0';
        const o = t.orientation;
        const orient = o ? `${f(o[q * 4]!)} ${f(o[q * 4 + 1]!)} ${f(o[q * 4 + 2]!)} ${f(o[q * 4 + 3]!)}` : '0 0 0 0';
        out.push(`${xyz} ${depth} ${color} ${orient} ${t.jointTrackingStates[q]}`);
      }
    }
  });
  return out.join(eol) + eol;
}
