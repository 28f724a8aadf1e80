// Debian's Chromium through playwright-core (never a downloaded browser), with the flags it
// needs headless as root (DESIGN.md). Shared by the e2e suite and bench/portal_startup.mjs.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.SSOKIT_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    headless: true,
    timeout: 30_000,
  });
}
