/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser download does not work
 * here; `.ci/run` installs the `chromium` package when it is missing).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: install Debian's chromium package (apt-get install -y chromium)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Chromium's sandbox cannot start as root (CI and this machine run tests as root).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}
