import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createModel, exportTorchCheckpoint } from '@skelnorm/models';
import { openApp, type AppPage } from './support/app-page.js';
import { launchChromium } from './support/chromium.js';
import { astronautPng, TAG_BITS, TAG_BLOCK, TAG_ORIGIN, writeBlankFrame, writeFakeCamera, writeTwoPersons, type FakeCamera } from './support/live-media.js';
import { artifactsDir } from './support/ntu-samples.js';
import { serveStatic, type StaticSite } from './support/static-server.js';

/** What the page's LivePanel records per frame (see src/live/live-panel.ts). */
interface FrameRecord {
  posed: boolean;
  ringFilled: number;
  persons: number | undefined;
  keypoints?: number[];
  poseMs: number;
  tag?: number;
  timestampMs: number;
}

/** Reads `window.skelnorm.live`'s state from the page. */
async function liveState(page: Page) {
  return page.evaluate(() => {
    const live = (window as unknown as { skelnorm: { live: any } }).skelnorm.live;
    return {
      records: (live.records as any[]).map((r) => ({ ...r, keypoints: r.keypoints === undefined ? undefined : [...r.keypoints] })) as FrameRecord[],
      predictions: live.predictions as number,
      ringFilled: live.ringFilled as number,
      pose: live.poseRate.summary() as { count: number; medianMs: number; fps: number },
      classifier: live.classifierRate.summary() as { count: number; medianMs: number; fps: number },
      modelFrames: live.liveModel?.frames as number | undefined,
    };
  });
}

/** Waits for `n` estimated frames; an error on the status line (weights missing, ...) fails at once with it. */
async function waitForFrames(page: Page, n: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    (count) => (window as any).skelnorm.live.records.length >= count || document.getElementById('live-status')!.classList.contains('error'),
    n,
    { timeout },
  );
  const status = page.locator('#live-status');
  expect(await status.getAttribute('class'), (await status.textContent()) ?? '').not.toMatch(/error/);
}

const keypoint = (r: FrameRecord, i: number) => ({ x: r.keypoints![i * 4]!, y: r.keypoints![i * 4 + 1]!, score: r.keypoints![i * 4 + 3]! });

function pearson(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let num = 0;
  let da = 0;
  let db = 0;
  a.forEach((x, i) => {
    num += (x - ma) * (b[i]! - mb);
    da += (x - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  });
  return num / Math.sqrt(da * db);
}

describe('the Live screen in headless Chromium (offline, fake camera)', () => {
  let browser: Browser;
  let site: StaticSite;
  let dir: string;
  let astronaut: string;
  let camera: FakeCamera;
  let blank: string;
  let twoPersons: string;
  let liveModel: string;
  let ntuModel: string;
  /** Every request to another host than the static server (must stay empty). */
  const offsite: string[] = [];
  const measured: Record<string, unknown> = {};

  /** Blocks and records every request that leaves the static server. */
  const offline = async (context: BrowserContext) => {
    const origin = new URL(site.url).origin;
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      offsite.push(url);
      return route.abort('blockedbyclient');
    });
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin && !offsite.includes(url.href)) offsite.push(url.href);
    });
  };
  // No live model is served in the test build: the first start asks for models/live/ and gets a 404.
  const ignoreConsole = (message: ConsoleMessage) => /status of 404/.test(message.text()) && /models\/live\//.test(message.location().url);

  const open = (backend: string, permissions: readonly string[]) =>
    openApp(browser, site.url, backend, {
      setup: async (context) => {
        await offline(context);
        await context.grantPermissions([...permissions], { origin: new URL(site.url).origin });
      },
      ignoreConsole,
    });

  beforeAll(async () => {
    const weights = join(inject('siteDir'), 'models', 'pose', 'blazepose-lite.json');
    if (!existsSync(weights)) {
      throw new Error(`${weights} is missing: the build has no pose weights. Run \`npm run fetch-pose-weights -w @skelnorm/web\` (npm install does it) and test again.`);
    }
    dir = await mkdtemp(join(tmpdir(), 'skelnorm-live-'));
    astronaut = astronautPng();
    camera = await writeFakeCamera(astronaut, join(dir, 'fake-camera.y4m'));
    blank = join(dir, 'blank.png');
    await writeBlankFrame(blank);
    twoPersons = join(dir, 'two-persons.png');
    await writeTwoPersons(astronaut, twoPersons);
    // Untrained seed CNNs: one of the live layout, one of ntu25 (same V and C, other joints).
    await tf.setBackend('cpu');
    for (const [layout, name] of [['ntu25-live', 'live-seed-cnn.safetensors'], ['ntu25', 'ntu25-seed-cnn.safetensors']] as const) {
      const model = createModel('seed-cnn', { layout, frames: 64, numClasses: 60 });
      await writeFile(join(dir, name), await exportTorchCheckpoint(model));
      model.dispose();
    }
    liveModel = join(dir, 'live-seed-cnn.safetensors');
    ntuModel = join(dir, 'ntu25-seed-cnn.safetensors');
    site = await serveStatic(inject('siteDir'));
    // Every host but 127.0.0.1 fails to resolve, workers included; the fake camera plays the video.
    browser = await launchChromium([
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${camera.path}`,
    ]);
    await mkdir(artifactsDir, { recursive: true });
  });

  afterAll(async () => {
    console.info(`[live] measured in headless Chromium: ${JSON.stringify(measured)}`);
    await browser?.close();
    await site?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('still images', () => {
    let app: AppPage;
    beforeAll(async () => {
      app = await open('wasm', []);
    });
    afterAll(async () => app?.close());

    it("finds a plausible skeleton in astronaut.png (Debian's python3-imageio)", async () => {
      const { page } = app;
      await page.setInputFiles('#live-file', astronaut);
      await waitForFrames(page, 1);
      const { records } = await liveState(page);
      const r = records[0]!;
      expect(r.posed, await page.textContent('#live-status') ?? '').toBe(true);
      measured['astronaut'] = Object.fromEntries([0, 2, 5, 11, 12, 23, 24].map((i) => [i, keypoint(r, i)]));
      expect(await page.getAttribute('#live-person', 'data-kind')).toBe('one');
      // The picture (512 x 512): the face at (225, 140), a bulky suit whose collar ring hides the
      // shoulders. Plausible: nose on the face, shoulders below it on either side, hips below them.
      const nose = keypoint(r, 0);
      const [left, right] = [keypoint(r, 11), keypoint(r, 12)];
      const [leftHip, rightHip] = [keypoint(r, 23), keypoint(r, 24)];
      expect(Math.hypot(nose.x - 225, nose.y - 140)).toBeLessThan(40);
      expect(right.x).toBeLessThan(nose.x); // the person's right is the image's left
      expect(left.x).toBeGreaterThan(nose.x);
      expect(left.x - right.x).toBeGreaterThan(100);
      expect(left.x - right.x).toBeLessThan(400);
      for (const s of [left, right]) {
        expect(s.y).toBeGreaterThan(nose.y + 30);
        expect(s.score).toBeGreaterThan(0.5);
      }
      for (const h of [leftHip, rightHip]) expect(h.y).toBeGreaterThan(Math.max(left.y, right.y) + 100);
      expect(leftHip.x).toBeGreaterThan(rightHip.x);
      expect(Math.abs((leftHip.x + rightHip.x) / 2 - (left.x + right.x) / 2)).toBeLessThan(80);
      expect(keypoint(r, 2).x).toBeGreaterThan(keypoint(r, 5).x); // eyes the same way round
      expect(await page.getAttribute('#live-viewer-canvas', 'data-persons')).toBe('1');
      await page.locator('#live').screenshot({ path: join(artifactsDir, 'live-astronaut.png') });
      expect(app.errors).toEqual([]);
    });

    it('says "no person" on a blank frame', async () => {
      const { page } = app;
      await page.setInputFiles('#live-file', blank);
      await waitForFrames(page, 1);
      const { records } = await liveState(page);
      expect(records.map((r) => r.posed)).toEqual([false]);
      expect(await page.getAttribute('#live-person', 'data-kind')).toBe('none');
      expect(await page.textContent('#live-person')).toMatch(/^No person in view/);
      expect(app.errors).toEqual([]);
    });

    it('with two persons in view, says how many and which one it tracks', async () => {
      const { page } = app;
      await page.setInputFiles('#live-file', twoPersons);
      await waitForFrames(page, 1);
      const { records } = await liveState(page);
      expect(records[0]!.posed).toBe(true);
      const text = (await page.textContent('#live-person')) ?? '';
      measured['twoPersons'] = text;
      expect(await page.getAttribute('#live-person', 'data-kind'), text).toBe('several');
      expect(text).toMatch(/^2 persons in view: tracking the (leftmost|rightmost) person/);
      await page.locator('#live').screenshot({ path: join(artifactsDir, 'live-two-persons.png') });
      expect(app.errors).toEqual([]);
    });

    it('refuses a model whose layout is not ntu25-live, and takes one that is', async () => {
      const { page } = app;
      await page.setInputFiles('#live-model-input', ntuModel);
      await page.waitForFunction(() => !/^reading/.test(document.getElementById('live-model-status')?.textContent ?? ''));
      const refused = (await page.textContent('#live-model-status')) ?? '';
      expect(refused).toMatch(/trained on the ntu25 layout.*skelnorm train --layout ntu25-live/);
      expect(await page.getAttribute('#live-model-status', 'class')).toMatch(/error/);
      await page.setInputFiles('#live-model-input', liveModel);
      await page.waitForFunction(() => /^live model:/.test(document.getElementById('live-model-status')?.textContent ?? ''));
      expect(await page.textContent('#live-model-status')).toMatch(/seed-cnn .*T = 64/);
      expect(app.errors).toEqual([]);
    });
  });

  it('the fake camera: a person detected in >= 95% of frames, following the programmed path; the ring fills; predictions show', async () => {
    const app = await open('wasm', ['camera']);
    try {
      const { page } = app;
      await page.setInputFiles('#live-model-input', liveModel);
      await page.waitForFunction(() => /^live model:/.test(document.getElementById('live-model-status')?.textContent ?? ''));
      // Each frame's number, read from the tag blocks of the grabbed pixels.
      await page.evaluate(({ origin, block, bits }) => {
        (window as any).skelnorm.live.inspectFrame = (image: ImageData) => {
          let value = 0;
          for (let b = 0; b < bits; b++) {
            const i = ((origin.y + block / 2) * image.width + origin.x + b * block + block / 2) * 4;
            if (image.data[i]! + image.data[i + 1]! + image.data[i + 2]! > 3 * 128) value |= 1 << b;
          }
          return value;
        };
      }, { origin: TAG_ORIGIN, block: TAG_BLOCK, bits: TAG_BITS });
      await page.click('#live-camera');
      await page.waitForFunction(
        () => {
          const live = (window as any).skelnorm.live;
          return live.records.length >= 90 && live.predictions >= 5;
        },
        null,
        { timeout: 150_000, polling: 500 },
      );
      const state = await liveState(page);
      await page.locator('#live').screenshot({ path: join(artifactsDir, 'live-fake-camera.png') });
      await page.click('#live-stop');
      await page.locator('#live').screenshot({ path: join(artifactsDir, 'live-stopped-window.png') });

      const records = state.records;
      const detected = records.filter((r) => r.posed).length / records.length;
      measured['fakeCamera'] = {
        frames: records.length,
        detected,
        poseMsMedian: state.pose.medianMs,
        poseFps: state.pose.fps,
        classifierMsMedian: state.classifier.medianMs,
        classifierFps: state.classifier.fps,
        predictions: state.predictions,
      };
      expect(detected, `${records.filter((r) => r.posed).length} of ${records.length} frames`).toBeGreaterThanOrEqual(0.95);

      // Shoulder midpoint against the programmed left edge of the picture in the same frame.
      const tagged = records.filter((r) => r.posed && typeof r.tag === 'number' && r.tag < camera.frames);
      expect(tagged.length).toBeGreaterThan(0.9 * records.length);
      const measuredX = tagged.map((r) => (keypoint(r, 11).x + keypoint(r, 12).x) / 2);
      const programmed = tagged.map((r) => camera.offsetX[r.tag!]!);
      const residual = measuredX.map((x, i) => x - programmed[i]!);
      const offset = residual.reduce((s, v) => s + v, 0) / residual.length;
      const maxError = Math.max(...residual.map((v) => Math.abs(v - offset)));
      const correlation = pearson(measuredX, programmed);
      measured['path'] = { frames: tagged.length, shoulderMidInPicture: offset / camera.scale, maxErrorPx: maxError, correlation };
      expect(correlation).toBeGreaterThan(0.97);
      expect(maxError).toBeLessThan(25);
      // The shoulders' midpoint is where it is in the picture (x ~ 210 of 512), scaled.
      expect(Math.abs(offset / camera.scale - 210)).toBeLessThan(40);
      // Several distinct frames of the 45 were seen (the sweep covered its range).
      expect(new Set(tagged.map((r) => r.tag)).size).toBeGreaterThan(15);

      // The window filled (a full ring is what lets the classifier run) and predictions are on screen.
      expect(Math.max(...records.map((r) => r.ringFilled))).toBe(1);
      expect(state.predictions).toBeGreaterThanOrEqual(5);
      expect(await page.locator('#live-top5 li').count()).toBe(5);
      expect(await page.locator('#live-history li').count()).toBeGreaterThan(0);
      expect(await page.textContent('#live-pose-rate')).toMatch(/ms\/frame/);
      expect(await page.textContent('#live-classifier-rate')).toMatch(/ms\/frame.* on wasm/);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('a video file takes the same path (the fake camera recorded to WebM in the page, then picked)', async () => {
    const app = await open('wasm', ['camera']);
    try {
      const { page } = app;
      // No encoder is installed here (no ffmpeg): Chromium's MediaRecorder makes the file.
      const bytes = await page.evaluate(async () => {
        const stream = await navigator.mediaDevices.getUserMedia({ video: true });
        const recorder = new MediaRecorder(stream, { mimeType: 'video/webm;codecs=vp8' });
        const chunks: Blob[] = [];
        recorder.ondataavailable = (event) => chunks.push(event.data);
        const stopped = new Promise((resolve) => (recorder.onstop = resolve));
        recorder.start();
        await new Promise((resolve) => setTimeout(resolve, 4000));
        recorder.stop();
        await stopped;
        for (const track of stream.getTracks()) track.stop();
        const file = new File(chunks, 'fake-camera.webm', { type: 'video/webm' });
        (window as any).recordedVideo = file;
        return file.size;
      });
      expect(bytes).toBeGreaterThan(10_000);
      await page.evaluate(() => void (window as any).skelnorm.live.startFile((window as any).recordedVideo));
      await waitForFrames(page, 30);
      const { records } = await liveState(page);
      const detected = records.filter((r) => r.posed).length / records.length;
      measured['videoFile'] = { bytes, frames: records.length, detected };
      expect(detected).toBeGreaterThanOrEqual(0.95);
      expect(await page.textContent('#live-status')).toMatch(/^fake-camera\.webm: 640x480; pose on wasm in a worker/);
      expect(await page.isEnabled('#live-stop')).toBe(true);
      await page.click('#live-stop');
      expect(await page.textContent('#live-status')).toBe('stopped');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('says so when the camera permission is denied', async () => {
    const app = await open('wasm', []);
    try {
      const { page } = app;
      await page.click('#live-camera');
      await page.waitForSelector('#live-status[data-kind="camera"]', { timeout: 30_000 });
      expect(await page.textContent('#live-status')).toMatch(/^No camera permission/);
      expect(await page.getAttribute('#live-status', 'class')).toMatch(/error/);
      await page.locator('#live').screenshot({ path: join(artifactsDir, 'live-camera-denied.png') });
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('asked no host other than the static server', () => {
    expect(offsite).toEqual([]);
  });
});
