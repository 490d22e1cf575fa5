// Test helpers (not part of the package build): where the real NTU RGB+D samples are, and a plain
// reference reader to check the fast parser against.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ntuSamplesDir as sharedSamplesDir } from '@skelnorm/test-support';

/** ../shared/ntu-samples relative to the repository root, or $SKELNORM_NTU_SAMPLES. */
export const ntuSamplesDir: string = sharedSamplesDir();

export const realSampleNames = ['S001C001P001R001A001', 'S001C001P001R001A011', 'S001C003P008R002A058'] as const;

export const realSamplePath = (name: string): string => join(ntuSamplesDir, `${name}.skeleton`);

export const readRealSample = (name: string): Uint8Array => new Uint8Array(readFileSync(realSamplePath(name)));

/** One body block as the simple reader sees it. */
export interface ReferenceBody {
  id: string;
  info: string[];
  joints: number[][]; // 25 x 12 numbers, as Number(token)
}

/**
 * A deliberately naive reader (split on whitespace, Number per token), written from the format
 * description in ../shared/ntu-samples/README.md: the reference for the byte-level parser.
 */
export function referenceRead(text: string): { frames: ReferenceBody[][] } {
  const lines = text.split(/\r?\n/);
  let i = 0;
  const next = () => lines[i++]!.trim().split(/\s+/);
  const frameCount = Number(next()[0]);
  const frames: ReferenceBody[][] = [];
  for (let f = 0; f < frameCount; f++) {
    const bodies: ReferenceBody[] = [];
    const count = Number(next()[0]);
    for (let b = 0; b < count; b++) {
      const info = next();
      const jointCount = Number(next()[0]);
      const joints: number[][] = [];
      for (let j = 0; j < jointCount; j++) joints.push(next().map(Number));
      bodies.push({ id: info[0]!, info, joints });
    }
    frames.push(bodies);
  }
  return { frames };
}
