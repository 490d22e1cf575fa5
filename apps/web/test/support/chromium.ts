import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Flags for Debian's headless Chromium. `--enable-unsafe-webgpu` is what gives `navigator.gpu`
 * a (SwiftShader) adapter here; without it requestAdapter() returns null. The rest keep the
 * browser off the network and quiet. `--no-sandbox` because CI runs as root.
 */
export const chromiumArgs: readonly string[] = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--headless=new',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** `SKELNORM_CHROMIUM` (when it exists), else the first Chromium found at the usual Debian/Ubuntu paths. */
export function findChromium(): string | undefined {
  const fromEnv = process.env['SKELNORM_CHROMIUM'];
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/** Launches headless Chromium (with {@link chromiumArgs} and `extraArgs`); throws with what to install when there is none. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined) {
    throw new Error(
      `No Chromium found (SKELNORM_CHROMIUM=${process.env['SKELNORM_CHROMIUM'] ?? '(unset)'}, ${CANDIDATES.join(', ')}). Install Debian's 'chromium' package or set SKELNORM_CHROMIUM.`,
    );
  }
  return chromium.launch({ executablePath, args: [...chromiumArgs, ...extraArgs] });
}
