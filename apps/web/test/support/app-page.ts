import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';

/** A page of the app and the errors it raised (uncaught exceptions, console errors). */
export interface AppPage {
  readonly page: Page;
  readonly errors: string[];
  close(): Promise<void>;
}

/** Options of {@link openApp}. */
export interface OpenAppOptions {
  /** Runs on the new context before the page opens (routes, permissions). */
  readonly setup?: (context: BrowserContext) => Promise<void>;
  /** Console messages that are expected and not errors of the app (e.g. a 404 the app handles). */
  readonly ignoreConsole?: (message: ConsoleMessage) => boolean;
}

/**
 * Opens the app with `?backend=<backend>` and waits until the backend badge says it is ready
 * (or failed, which the caller's assertion then shows with the reason).
 */
export async function openApp(browser: Browser, siteUrl: string, backend: string, options: OpenAppOptions = {}): Promise<AppPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await options.setup?.(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (options.ignoreConsole?.(message)) return;
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
