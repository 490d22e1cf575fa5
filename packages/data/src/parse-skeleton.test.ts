import { describe, expect, it } from 'vitest';
import { parseSkeleton, parseSkeletonChunks, formatKinectNumber } from './index.js';
import { readRealSample, realSampleNames, referenceRead } from './test-support/ntu-samples.js';

const decoder = new TextDecoder();

describe('parseSkeleton on the real NTU RGB+D samples', () => {
  it('reads the frame counts 103, 82, 70 and the bodies', () => {
    const [a001, a011, a058] = realSampleNames.map((n) => parseSkeleton(readRealSample(n), { name: n }));
    expect([a001!.frameCount, a011!.frameCount, a058!.frameCount]).toEqual([103, 82, 70]);
    expect(a001!.bodies).toHaveLength(1);
    expect(a011!.bodies).toHaveLength(1);
    expect(a058!.bodies).toHaveLength(2); // handshaking: two tracks
    for (const b of a058!.bodies) expect(b.frames.length).toBe(70);
    expect(Array.from(a058!.bodyCounts).every((c) => c === 2)).toBe(true);
    expect(a058!.bodies.map((b) => b.trackingId)).toEqual(['72057594037944738', '72057594037944734']);
  });

  it('reads the first joint of A001 as 0.2181153 0.1725972 3.785547', () => {
    const file = parseSkeleton(readRealSample('S001C001P001R001A001'));
    const xyz = file.bodies[0]!.xyz;
    expect([xyz[0], xyz[1], xyz[2]]).toEqual([Math.fround(0.2181153), Math.fround(0.1725972), Math.fround(3.785547)]);
  });

  it.each(realSampleNames)('agrees with a naive reader on every number of %s', (name) => {
    const bytes = readRealSample(name);
    const ref = referenceRead(decoder.decode(bytes));
    const file = parseSkeleton(bytes, { name, fields: 'all' });
    const byId = new Map(file.bodies.map((b) => [b.trackingId, { body: b, next: 0 }]));
    ref.frames.forEach((bodies, f) => {
      bodies.forEach((rb, slot) => {
        const entry = byId.get(rb.id)!;
        const b = entry.body;
        const i = entry.next++;
        expect(b.frames[i]).toBe(f);
        expect(b.slots[i]).toBe(slot);
        expect([b.clippedEdges[i], b.handLeftConfidence[i], b.handLeftState[i], b.handRightConfidence[i], b.handRightState[i], b.isRestricted[i]]).toEqual(
          rb.info.slice(1, 7).map(Number),
        );
        expect([b.lean[i * 2], b.lean[i * 2 + 1], b.trackingState[i]]).toEqual([Math.fround(Number(rb.info[7])), Math.fround(Number(rb.info[8])), Number(rb.info[9])]);
        rb.joints.forEach((values, j) => {
          const q = i * 25 + j;
          const got = [
            b.xyz[q * 3], b.xyz[q * 3 + 1], b.xyz[q * 3 + 2],
            b.depthXY![q * 2], b.depthXY![q * 2 + 1], b.colorXY![q * 2], b.colorXY![q * 2 + 1],
            b.orientation![q * 4], b.orientation![q * 4 + 1], b.orientation![q * 4 + 2], b.orientation![q * 4 + 3],
          ];
          expect(got).toEqual(values.slice(0, 11).map((v) => Math.fround(v)));
          expect(b.jointTrackingStates[q]).toBe(values[11]);
        });
      });
    });
  });

  it('gives the same result for LF line endings and for chunks', async () => {
    const bytes = readRealSample('S001C003P008R002A058');
    const crlf = parseSkeleton(bytes);
    const lf = parseSkeleton(decoder.decode(bytes).replace(/\r\n/g, '\n'));
    const chunks = [bytes.subarray(0, 1000), bytes.subarray(1000, 200_000), bytes.subarray(200_000)];
    const chunked = await parseSkeletonChunks(chunks);
    for (const other of [lf, chunked]) {
      expect(other.frameCount).toBe(crlf.frameCount);
      other.bodies.forEach((b, k) => expect(b.xyz).toEqual(crlf.bodies[k]!.xyz));
    }
  });
});

describe('parseSkeleton on edge cases of the format', () => {
  const joint = (x: number) => `${x} 0.5 3 1 2 3 4 0 0 0 0 2`;
  const body = (id: string, x = 0.1) => [`${id} 0 1 1 1 1 0 0.01 -0.2 2`, '25', ...Array.from({ length: 25 }, (_, j) => joint(x + j))];

  it('accepts frames with no bodies and bodies that come and go', () => {
    const text = ['4', '0', '1', ...body('11'), '2', ...body('22'), ...body('11', 5), '0', ''].join('\n');
    const file = parseSkeleton(text, { name: 'gaps' });
    expect(Array.from(file.bodyCounts)).toEqual([0, 1, 2, 0]);
    expect(file.bodies.map((b) => [b.trackingId, Array.from(b.frames), Array.from(b.slots)])).toEqual([
      ['11', [1, 2], [0, 1]],
      ['22', [2], [0]],
    ]);
    expect(file.bodies[0]!.xyz[75]).toBe(5);
  });

  it('grows a track past its first 128 frames and keeps ids that change every frame apart', () => {
    const frames = 300;
    const long = parseSkeleton([String(frames), ...Array.from({ length: frames }, (_, f) => ['1', ...body('42', f)]).flat(), ''].join('\n'));
    expect(long.bodies).toHaveLength(1);
    expect(long.bodies[0]!.frames.length).toBe(frames);
    expect(long.bodies[0]!.xyz[(299 * 25 + 24) * 3]).toBe(299 + 24);
    const junk = parseSkeleton(['50', ...Array.from({ length: 50 }, (_, f) => ['2', ...body(String(1000 + 2 * f)), ...body(String(1001 + 2 * f))]).flat(), ''].join('\n'));
    expect(junk.bodies).toHaveLength(100);
    expect(junk.bodies.every((b) => b.frames.length === 1)).toBe(true);
  });

  it('reads exponents, signs, long mantissas and trailing blanks exactly as Number does', () => {
    const values = ['-7.257856E-05', '1e3', '+2.5', '-0', '0.12345678901234567890', '123456789012.5', '3.4028e+38', '.5'];
    const text = ['1', '1', `7 0 1 1 1 1 0 0 0 2`, '25', ...Array.from({ length: 25 }, (_, j) => `${values[j % values.length]} 1 2 0 0 0 0 0 0 0 0 2  `), ''].join('\r\n');
    const xyz = parseSkeleton(text).bodies[0]!.xyz;
    for (let j = 0; j < 25; j++) expect(xyz[j * 3]).toBe(Math.fround(Number(values[j % values.length])));
  });

  it('formats numbers the way the Kinect files print them', () => {
    expect(['0.2181153', '3.785547', '-7.257856E-05', '-0.256052', '0', '2', '1184.537']).toEqual(
      [0.2181153, 3.785547, -7.257856e-5, -0.256052, 0, 2, 1184.537].map(formatKinectNumber),
    );
  });
});
