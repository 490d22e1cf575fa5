import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openApp, type AppPage } from './support/app-page.js';
import { launchChromium } from './support/chromium.js';
import { artifactsDir, ntuSample } from './support/ntu-samples.js';
import { serveStatic, type StaticSite } from './support/static-server.js';

const SAMPLE = 'S001C003P008R002A058.skeleton';

describe('the app in headless Chromium', () => {
  let browser: Browser;
  let site: StaticSite;
  let app: AppPage;

  beforeAll(async () => {
    site = await serveStatic(inject('siteDir'));
    browser = await launchChromium();
    app = await openApp(browser, site.url, 'webgpu');
  });

  afterAll(async () => {
    await app?.close();
    await browser?.close();
    await site?.close();
  });

  it('loads from a sub-folder of a plain static server, cross-origin isolated, on the webgpu backend', async () => {
    const badge = app.page.locator('#backend-badge');
    expect(await badge.getAttribute('data-state'), (await badge.getAttribute('title')) ?? '').toBe('ready');
    expect(await badge.getAttribute('data-backend')).toBe('webgpu');
    expect(await badge.textContent()).toBe('backend: webgpu');
    expect(await app.page.textContent('#backend-reason')).toMatch(/WebGPU via navigator\.gpu/);
    expect(await app.page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(app.errors).toEqual([]);
  });

  it('offers only backends the page can load: webgl is bundled and starts', async () => {
    const offered = await app.page.$$eval('#backend-select option', (options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toContain('webgl');
    const webgl = await openApp(browser, site.url, 'webgl');
    try {
      const badge = webgl.page.locator('#backend-badge');
      expect(await badge.getAttribute('data-state'), (await badge.getAttribute('title')) ?? '').toBe('ready');
      expect(await badge.getAttribute('data-backend')).toBe('webgl');
      expect(webgl.errors).toEqual([]);
    } finally {
      await webgl.close();
    }
  });

  it("auto passes SwiftShader's WebGL and WebGPU by (software renderers, slower than wasm) and says so", async () => {
    const auto = await openApp(browser, site.url, 'auto');
    try {
      const badge = auto.page.locator('#backend-badge');
      expect(await badge.getAttribute('data-state'), (await badge.getAttribute('title')) ?? '').toBe('ready');
      expect(await badge.getAttribute('data-backend')).toBe('wasm');
      const reason = (await auto.page.textContent('#backend-reason')) ?? '';
      expect(reason).toMatch(/webgl: WebGL renders on .*SwiftShader.*, a software renderer/i);
      expect(reason).toMatch(/webgpu: .*software renderer/i);
    } finally {
      await auto.close();
    }
  });

  it(`shows ${SAMPLE} (picked with the file input): 70 frames, two persons`, async () => {
    const samplePath = ntuSample(SAMPLE);
    const { page } = app;
    await page.setInputFiles('#skeleton-input', samplePath);
    await page.waitForSelector('#viewer-canvas[data-frame-count]');
    expect(await page.textContent('dd[data-fact="frames"]')).toBe('70');
    expect(await page.textContent('dd[data-fact="persons"]')).toBe('2');
    expect(await page.textContent('dd[data-fact="bodies"]')).toBe('2');
    expect(await page.textContent('dd[data-fact="action"]')).toBe('A058 handshaking');
    expect(await page.getAttribute('#viewer-canvas', 'data-frame-count')).toBe('70');
    expect(await page.getAttribute('#viewer-canvas', 'data-persons')).toBe('2');
    expect(await page.locator('#person-legend li').count()).toBe(2);

    // It plays on load; pause and go to the middle frame for a stable picture.
    await page.click('#play-button');
    expect(await page.textContent('#play-button')).toBe('Play');
    await page.locator('#frame-slider').fill('35');
    expect(await page.textContent('#frame-label')).toBe('36 / 70');
    expect(await page.getAttribute('#viewer-canvas', 'data-frame')).toBe('35');

    // Both persons are drawn: count pixels of each person's colour on the canvas.
    const counts = await page.evaluate(() => {
      const canvas = document.getElementById('viewer-canvas') as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let orange = 0;
      let blue = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        if (Math.abs(r - 0xe4) < 12 && Math.abs(g - 0x57) < 12 && Math.abs(b - 0x2e) < 12) orange++;
        if (Math.abs(r - 0x1f) < 12 && Math.abs(g - 0x9b) < 12 && Math.abs(b - 0xd1) < 12) blue++;
      }
      return { orange, blue };
    });
    expect(counts.orange).toBeGreaterThan(200);
    expect(counts.blue).toBeGreaterThan(200);

    await mkdir(artifactsDir, { recursive: true });
    await page.locator('#viewer-canvas').screenshot({ path: join(artifactsDir, 'viewer-S001C003P008R002A058.png') });
    // Rotated camera: the two persons seen from above and the side.
    await page.locator('#yaw-slider').fill('75');
    await page.locator('#pitch-slider').fill('40');
    await page.locator('#viewer').screenshot({ path: join(artifactsDir, 'viewer-card-rotated.png') });
    expect(app.errors).toEqual([]);
  });
});
