import type { Browser, Page } from 'playwright-core';

/** A page of the app and the errors it raised (uncaught exceptions, console errors). */
export interface AppPage {
  readonly page: Page;
  readonly errors: string[];
  close(): Promise<void>;
}

/**
 * Opens the app with `?backend=<backend>` and waits until the backend badge says it is ready
 * (or failed, which the caller's assertion then shows with the reason).
 */
export async function openApp(browser: Browser, siteUrl: string, backend: string): Promise<AppPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // WebGPU validation errors arrive as console warnings; they mean a dropped dispatch.
    const text = message.text();
    if (message.type() === 'error' || /Invalid (ComputePipeline|CommandBuffer|BindGroup)/.test(text)) errors.push(`console ${message.type()}: ${text}`);
  });
  await page.goto(`${siteUrl}?backend=${backend}`);
  await page.waitForSelector('#backend-badge[data-state="ready"], #backend-badge[data-state="error"]', { timeout: 120_000 });
  return { page, errors, close: () => context.close() };
}

/** Sets a form field of the training card. */
export async function setField(page: Page, id: string, value: string): Promise<void> {
  await page.locator(`#${id}`).fill(value);
}

/** Relative difference |a - b| / max(|a|, |b|, 1e-12). */
export function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);
}
