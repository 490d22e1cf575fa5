import { setupBackend, type BackendChoice, type BackendPreference } from '@skelnorm/backends';
import { disableWasmThreads, wasmBinaryUrls } from './wasm-binaries.js';

/** The variants a page can ask for; `auto` takes WebGPU only on a hardware adapter. */
export const browserPreferences: readonly BackendPreference[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * The WebGL backend is bundled as its own chunk and registered only when a choice may use it, so
 * pages on WebGPU or wasm never download it.
 */
async function registerWebgl(): Promise<void> {
  await import('@tensorflow/tfjs-backend-webgl');
}

/** Reads `?backend=` from the page URL; anything unknown is `auto`. */
export function preferenceFromUrl(url: URL): BackendPreference {
  const asked = url.searchParams.get('backend');
  return browserPreferences.find((p) => p === asked) ?? 'auto';
}

/**
 * The header's backend badge and selector. Switching backend is global to tfjs: models built
 * before the switch keep working (tfjs moves their tensors on first use), but a fair timing or
 * comparison builds models after it.
 */
export class BackendControl {
  private current: BackendChoice | undefined;
  private pending: Promise<BackendChoice> | undefined;
  private readonly listeners = new Set<(choice: BackendChoice) => void>();

  constructor(
    private readonly badge: HTMLElement,
    private readonly select: HTMLSelectElement,
  ) {
    select.replaceChildren(
      ...browserPreferences.map((p) => {
        const option = document.createElement('option');
        option.value = p;
        option.textContent = p;
        return option;
      }),
    );
    select.addEventListener('change', () => {
      void this.use(select.value as BackendPreference).catch(() => {});
    });
  }

  /** The active choice (after the first {@link use} resolved). */
  get choice(): BackendChoice | undefined {
    return this.current;
  }

  /** Calls `fn` after every successful switch. */
  onChange(fn: (choice: BackendChoice) => void): void {
    this.listeners.add(fn);
  }

  /** Sets up `prefer` and shows the outcome; a failure shows its reason and rethrows. */
  async use(prefer: BackendPreference): Promise<BackendChoice> {
    await this.pending?.catch(() => undefined);
    this.select.value = prefer;
    this.badge.dataset['state'] = 'loading';
    this.badge.textContent = `backend: ${prefer}…`;
    this.pending = disableWasmThreads()
      .then(() => (prefer === 'webgl' || prefer === 'auto' ? registerWebgl() : undefined))
      .then(() => setupBackend({ prefer, wasmPaths: wasmBinaryUrls, log: (line) => console.info(line) }));
    try {
      const choice = await this.pending;
      this.current = choice;
      this.badge.dataset['state'] = 'ready';
      this.badge.dataset['backend'] = choice.name;
      this.badge.textContent = `backend: ${choice.name}`;
      this.badge.title = choice.reason;
      const reason = this.badge.nextElementSibling;
      if (reason instanceof HTMLElement && reason.classList.contains('backend-reason')) reason.textContent = choice.reason;
      const url = new URL(window.location.href);
      url.searchParams.set('backend', prefer);
      window.history.replaceState(null, '', url);
      for (const fn of this.listeners) fn(choice);
      return choice;
    } catch (error) {
      this.badge.dataset['state'] = 'error';
      this.badge.dataset['backend'] = '';
      this.badge.textContent = `backend: ${prefer} failed`;
      this.badge.title = error instanceof Error ? error.message : String(error);
      const reason = this.badge.nextElementSibling;
      if (reason instanceof HTMLElement) reason.textContent = this.badge.title;
      throw error;
    }
  }
}
