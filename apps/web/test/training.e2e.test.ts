import { writeSafetensors } from '@skelnorm/nn';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openApp, relativeDifference, setField } from './support/app-page.js';
import { launchChromium } from './support/chromium.js';
import { artifactsDir, ntuSample } from './support/ntu-samples.js';
import { serveStatic, type StaticSite } from './support/static-server.js';


/** What a finished run card says. */
interface RunResult {
  readonly variant: string;
  readonly state: string;
  readonly losses: number[];
  readonly msPerStep: number;
  readonly error?: string;
}

/**
 * The tiniest run of the seed CNN that still exercises every layer: 4 synthetic classes x 6
 * samples (about half of them train), T = 8 frames, batch 4, one epoch (2 steps), SGD (Adam's
 * first step divides by |g| and turns 1e-7 noise in the gradients into full-size steps), run B off.
 */
async function configureTinyRun(page: Page, variant: string): Promise<void> {
  await setField(page, 'classes', '4');
  await setField(page, 'per-class', '6');
  await setField(page, 'frames', '8');
  await setField(page, 'batch-size', '4');
  await setField(page, 'epochs', '1');
  await setField(page, 'seed', '0');
  await page.selectOption('#optimizer', 'sgd');
  await page.selectOption('#variant-a', variant);
  await page.selectOption('#variant-b', 'none');
}

/** Clicks Start and waits for the comparison to end; returns each run card's result. */
async function train(page: Page, timeoutMs: number): Promise<RunResult[]> {
  await page.click('#start-training');
  await page.waitForSelector('#runs[data-state="finished"]', { timeout: timeoutMs });
  return page.$$eval('#runs .run', (cards) =>
    cards.map((card) => {
      const el = card as HTMLElement;
      return {
        variant: el.dataset['variant'] ?? '',
        state: el.dataset['state'] ?? '',
        losses: JSON.parse(el.dataset['losses'] ?? '[]') as number[],
        msPerStep: Number(el.dataset['msPerStep']),
        // What a failed run says, so that a failing assertion shows why.
        ...(el.dataset['state'] === 'failed' ? { error: el.textContent ?? '' } : {}),
      };
    }),
  );
}

async function switchBackend(page: Page, backend: string): Promise<void> {
  await page.selectOption('#backend-select', backend);
  await page.waitForSelector(`#backend-badge[data-state="ready"][data-backend="${backend}"]`, { timeout: 120_000 });
}

describe('training in the page', () => {
  let browser: Browser;
  let site: StaticSite;

  beforeAll(async () => {
    site = await serveStatic(inject('siteDir'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('gives the same losses on wasm and on SwiftShader WebGPU as on the cpu backend', async () => {
    const app = await openApp(browser, site.url, 'cpu');
    try {
      const { page } = app;
      await configureTinyRun(page, 'seed-bn');
      const cpu = await train(page, 120_000);
      await switchBackend(page, 'wasm');
      const wasm = await train(page, 120_000);
      await switchBackend(page, 'webgpu');
      const webgpu = await train(page, 240_000);
      console.info(
        `[e2e] seed-bn losses cpu ${JSON.stringify(cpu[0]?.losses)} wasm ${JSON.stringify(wasm[0]?.losses)} webgpu ${JSON.stringify(webgpu[0]?.losses)}; ` +
          `ms/step cpu ${cpu[0]?.msPerStep} wasm ${wasm[0]?.msPerStep} webgpu ${webgpu[0]?.msPerStep}`,
      );
      expect(cpu.map((r) => r.state)).toEqual(['done']);
      const a = cpu[0]!.losses;
      expect(a.length).toBe(2);
      for (const [name, runs] of [['wasm', wasm], ['webgpu', webgpu]] as const) {
        expect(runs.map((r) => r.state), `${name}: ${runs.map((r) => r.error ?? '').join(' / ')}`).toEqual(['done']);
        const b = runs[0]!.losses;
        expect(b.length, name).toBe(a.length);
        // The first loss is the forward pass alone; the second follows one SGD update.
        a.forEach((loss, i) => {
          expect(Number.isFinite(loss)).toBe(true);
          expect(relativeDifference(loss, b[i]!), `step ${i + 1}: cpu ${loss}, ${name} ${b[i]}`).toBeLessThan(1e-3);
        });
      }
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('trains two variants side by side on wasm, exports the weights, classifies a file and diagnoses the model', async () => {
    const app = await openApp(browser, site.url, 'wasm');
    try {
      const { page } = app;
      await configureTinyRun(page, 'seed-bn');
      await page.selectOption('#variant-b', 'bn-folded');
      await setField(page, 'epochs', '2');
      const runs = await train(page, 120_000);
      expect(runs.map((r) => [r.variant, r.state]), runs.map((r) => r.error ?? '').join(' / ')).toEqual([['seed-bn', 'done'], ['bn-folded', 'done']]);
      for (const run of runs) {
        expect(run.losses.length).toBe(4);
        expect(run.losses.every(Number.isFinite)).toBe(true);
      }
      // Two charts per run, with drawn lines.
      expect(await page.locator('#runs .run svg.chart').count()).toBe(4);
      expect(await page.locator('#runs .run svg.chart path').count()).toBeGreaterThan(4);
      await mkdir(artifactsDir, { recursive: true });
      await page.locator('#training').screenshot({ path: join(artifactsDir, 'training-two-runs.png') });

      // Export run A's weights (a download), then load that file in the inference card.
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#runs .run').first().locator('button.export-weights').click()]);
      expect(download.suggestedFilename()).toMatch(/^seed-bn-step-4\.safetensors$/);
      const exported = join(artifactsDir, download.suggestedFilename());
      await download.saveAs(exported);
      await page.setInputFiles('#checkpoint-input', exported);
      await page.waitForFunction(() => /^loaded /.test(document.getElementById('checkpoint-status')?.textContent ?? ''));
      expect(await page.textContent('#checkpoint-status')).toMatch(/seed-cnn \(norm "batch", personMode "per-person", bnMomentum 0.01, frames 8, numClasses 4\)/);

      // The trainer checkpoint (what `skelnorm train` writes: weights, optimizer slots, run state).
      const [checkpoint] = await Promise.all([page.waitForEvent('download'), page.locator('#runs .run').first().locator('button.export-checkpoint').click()]);
      const checkpointPath = join(artifactsDir, checkpoint.suggestedFilename());
      await checkpoint.saveAs(checkpointPath);
      await page.setInputFiles('#checkpoint-input', checkpointPath);
      await page.waitForFunction(() => /^loaded seed-bn-checkpoint/.test(document.getElementById('checkpoint-status')?.textContent ?? ''));
      expect(await page.textContent('#checkpoint-status')).toMatch(/numClasses 4\), trained 4 steps \(epoch 2 of 2\)$/);

      // Classify the real two-person sample.
      await page.setInputFiles('#skeleton-input', ntuSample('S001C003P008R002A058.skeleton'));
      await page.click('#run-inference');
      await page.waitForSelector('#top5 li');
      const top = await page.$$eval('#top5 li', (items) => items.map((li) => ({ text: li.textContent ?? '', p: Number((li as HTMLElement).dataset['probability']) })));
      // 4 classes: a top-5 list holds all 4, probabilities sum to 1, names are NTU action names.
      expect(top.length).toBe(4);
      expect(top.reduce((s, t) => s + t.p, 0)).toBeCloseTo(1, 4);
      for (const t of top) expect(t.text).toMatch(/^A0\d\d [a-z]/);
      // The true class is said (A058 is not one of the 4 synthetic classes this model knows).
      expect(await page.textContent('#true-class')).toMatch(/^true class: /);
      expect(await page.textContent('#true-class')).toMatch(/true class: unknown/);

      // Another sample on show: the old top-5 goes. A file that cannot be read leaves no skeleton on show.
      await page.setInputFiles('#skeleton-input', { name: 'S001C001P001R001A001.skeleton', mimeType: 'text/plain', buffer: Buffer.from('2\n1\nnot a body\n') });
      await page.waitForFunction(() => document.querySelector('dd[data-fact="status"]')?.textContent === 'could not be read');
      expect(await page.locator('#top5 li').count()).toBe(0);
      expect(await page.textContent('#true-class')).toBe('');
      expect(await page.getAttribute('#viewer-canvas', 'data-frame-count')).toBe('0');

      // A checkpoint that fails to load says which model stays in use.
      await page.setInputFiles('#checkpoint-input', { name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not safetensors at all') });
      await page.waitForFunction(() => document.getElementById('checkpoint-status')?.classList.contains('error') === true);
      expect(await page.textContent('#checkpoint-status')).toMatch(/broken\.safetensors.*\. The model in use is still seed-cnn/);
      // A checkpoint of the wrong shape names the model class as written, not as minified.
      const misfit = writeSafetensors({ 'conv1.0.weight': { shape: [1], data: new Float32Array(1) } }, { model: 'seed-cnn', config: '{"numClasses":4,"frames":8}' });
      await page.setInputFiles('#checkpoint-input', { name: 'misfit.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(misfit) });
      await page.waitForFunction(() => /misfit/.test(document.getElementById('checkpoint-status')?.textContent ?? ''));
      expect(await page.textContent('#checkpoint-status')).toMatch(/state dict into SeedCnn from misfit\.safetensors/);

      // The doctor on the loaded checkpoint, with the synthetic set.
      await page.click('#run-doctor');
      await page.waitForSelector('#doctor-table table.report tbody tr', { timeout: 60_000 });
      const verdicts = await page.$$eval('#doctor-table tbody tr', (rows) => rows.map((r) => [(r as HTMLElement).dataset['layer'], (r as HTMLElement).dataset['verdict']]));
      expect(verdicts.map(([layer]) => layer)).toEqual(['conv1.1', 'conv2.1', 'conv3.1', 'fc1.1']);
      expect(await page.locator('#doctor-chart svg').count()).toBe(2);
      // The seed's layout calls each conv BatchNorm once per person.
      const calls = await page.$$eval('#doctor-table tbody tr', (rows) => rows.map((r) => r.children[2]?.textContent));
      expect(calls).toEqual(['2', '2', '2', '1']);
      await page.locator('#doctor').screenshot({ path: join(artifactsDir, 'doctor.png') });

      // A bad request is said on the page and leaves the finished runs on show.
      await setField(page, 'batch-size', '500');
      await page.click('#start-training');
      await page.waitForFunction(() => document.getElementById('training-status')?.classList.contains('error') === true);
      expect(await page.textContent('#training-status')).toMatch(/^batch size must be an integer 2-\d+ \(the training split has \d+ samples\); got 500$/);
      expect(await page.locator('#runs .run').count()).toBe(2);
      await page.screenshot({ path: join(artifactsDir, 'app-full.png'), fullPage: true });
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('stops both runs on Stop, and a new comparison frees the old one (no tensor growth)', async () => {
    const app = await openApp(browser, site.url, 'wasm');
    try {
      const { page } = app;
      const liveTensors = () => page.evaluate(() => (window as unknown as { skelnorm: { tf: { memory(): { numTensors: number } } } }).skelnorm.tf.memory().numTensors);
      await configureTinyRun(page, 'seed-bn');
      await page.selectOption('#variant-b', 'layer-norm');
      await setField(page, 'epochs', '50');
      const stopAfterFirstStep = async () => {
        await page.click('#start-training');
        await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('#runs .run')].some((r) => JSON.parse(r.dataset['losses'] ?? '[]').length > 0));
        await page.click('#stop-training');
        await page.waitForSelector('#runs[data-state="finished"]');
        return page.$$eval('#runs .run', (cards) => cards.map((c) => [(c as HTMLElement).dataset['state'], JSON.parse((c as HTMLElement).dataset['losses'] ?? '[]').length]));
      };
      const first = await stopAfterFirstStep();
      expect(first.map(([state]) => state)).toEqual(['stopped', 'stopped']);
      for (const [, steps] of first) expect(steps).toBeLessThan(100);
      expect(await page.isEnabled('#start-training')).toBe(true);
      expect(await page.isEnabled('#runs .run button.export-weights')).toBe(true);
      const after = await liveTensors();
      await stopAfterFirstStep();
      expect(await liveTensors()).toBe(after);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
