import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createModel, exportTorchCheckpoint } from '@skelnorm/models';
import { openApp } from './support/app-page.js';
import { launchChromium } from './support/chromium.js';
import { serveStatic, type StaticSite } from './support/static-server.js';


describe('a large checkpoint in the page', () => {
  let browser: Browser;
  let site: StaticSite;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    site = await serveStatic(inject('siteDir'));
    browser = await launchChromium();
    dir = await mkdtemp(join(tmpdir(), 'skelnorm-large-'));
    // The seed CNN at T = 300 (ST-GCN's frame count): fc1 has 14,208 x 512 weights, ~29 MB.
    await tf.setBackend('cpu');
    const model = createModel('seed-cnn', { frames: 300, numClasses: 60 });
    file = join(dir, 'seed-cnn-t300.safetensors');
    await writeFile(file, await exportTorchCheckpoint(model));
    model.dispose();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['wasm', 'webgpu'])('loads in seconds on %s, and the page keeps drawing frames meanwhile', async (backend) => {
    const app = await openApp(browser, site.url, backend);
    try {
      const { page } = app;
      await page.evaluate(() => {
        const w = window as unknown as { frames: number };
        w.frames = 0;
        const tick = () => {
          w.frames++;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      const started = Date.now();
      await page.setInputFiles('#checkpoint-input', file);
      await page.waitForFunction(() => /^loaded /.test(document.getElementById('checkpoint-status')?.textContent ?? ''), null, { timeout: 60_000 });
      const seconds = (Date.now() - started) / 1000;
      expect(await page.textContent('#checkpoint-status')).toMatch(/seed-cnn .*frames 300, numClasses 60/);
      expect(seconds).toBeLessThan(10);
      expect(await page.evaluate(() => (window as unknown as { frames: number }).frames)).toBeGreaterThan(0);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
