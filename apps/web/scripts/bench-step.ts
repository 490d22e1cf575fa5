/**
 * Per-step training time of the seed CNN in one page of headless Chromium: SwiftShader WebGPU
 * against wasm (and optionally cpu), same build, same page, same data and model.
 *
 *   npm run bench:step -w apps/web -- [--batch 8] [--frames 32] [--steps 4] [--backends wasm,webgpu]
 *
 * Builds the site (vite build into a temporary folder), serves it, trains variant `seed-bn` for one
 * epoch of `--steps` steps per backend through the training card, and prints the median step time
 * without the first step (shader compilation, kernel warm-up) and the first one on its own.
 */
import { median } from '@skelnorm/trainer';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { openApp, setField } from '../test/support/app-page.js';
import { launchChromium } from '../test/support/chromium.js';
import { serveStatic } from '../test/support/static-server.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '8' },
    frames: { type: 'string', default: '32' },
    steps: { type: 'string', default: '4' },
    backends: { type: 'string', default: 'wasm,webgpu' },
  },
});
const batch = Number(values.batch);
const steps = Number(values.steps);
const backends = values.backends.split(',');
// 12 classes; about half the samples are in the cross-subject training split.
const perClass = Math.max(3, Math.ceil((2.2 * batch * steps) / 12));

const appDir = fileURLToPath(new URL('..', import.meta.url));
const outDir = await mkdtemp(join(tmpdir(), 'skelnorm-web-bench-'));
await build({ root: appDir, configFile: join(appDir, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
const site = await serveStatic(outDir);
const browser = await launchChromium();
try {
  const app = await openApp(browser, site.url, backends[0]!);
  const { page } = app;
  console.log(`chromium ${browser.version()}, seed-cnn seed-bn, batch ${batch}, T ${values.frames}, Adam`);
  for (const backend of backends) {
    await page.selectOption('#backend-select', backend);
    await page.waitForSelector(`#backend-badge[data-state="ready"][data-backend="${backend}"]`, { timeout: 120_000 });
    const reason = await page.textContent('#backend-reason');
    await setField(page, 'classes', '12');
    await setField(page, 'per-class', String(perClass));
    await setField(page, 'frames', values.frames);
    await setField(page, 'batch-size', String(batch));
    await setField(page, 'epochs', '1');
    await page.selectOption('#variant-a', 'seed-bn');
    await page.selectOption('#variant-b', 'none');
    // Stop after `steps` steps: the evaluation that ends an epoch is not part of a step.
    await page.click('#start-training');
    await page.waitForFunction((n) => JSON.parse((document.querySelector('#runs .run') as HTMLElement | null)?.dataset['losses'] ?? '[]').length >= n, steps, { timeout: 600_000, polling: 500 });
    // Stop (as the Stop button does) unless the epoch has ended already.
    await page.evaluate(() => (window as unknown as { skelnorm: { training: { stop(): void } } }).skelnorm.training.stop());
    await page.waitForSelector('#runs[data-state="finished"]', { timeout: 600_000 });
    const ms = await page.evaluate(() => (window as unknown as { skelnorm: { training: { latestRun(): { history: { stepMs: number[] } } } } }).skelnorm.training.latestRun().history.stepMs);
    console.log(`${backend.padEnd(7)} first step ${ms[0]!.toFixed(0)} ms, then median ${median(ms.slice(1, steps)).toFixed(0)} ms/step over ${Math.min(steps, ms.length) - 1} steps  (${reason})`);
  }
  await app.close();
} finally {
  await browser.close();
  await site.close();
  await rm(outDir, { recursive: true, force: true });
}
