// Where the browser tests find a Chromium: an explicit override, Debian's package,
// or Playwright's own download (on a developer's laptop). Shared by the installer
// script and the Playwright config so both agree.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** @returns {string | undefined} an executable path, or undefined when Playwright's own browser is used */
export function chromiumExecutable() {
  const override = process.env.TANDEM_CHROMIUM;
  if (override) {
    if (!existsSync(override)) throw new Error(`TANDEM_CHROMIUM=${override} does not exist`);
    return override;
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  return undefined;
}

/** True when some Chromium is available to Playwright. */
export function hasChromium() {
  if (chromiumExecutable()) return true;
  try {
    const require = createRequire(new URL('../tests/package.json', import.meta.url));
    const { chromium } = require('@playwright/test');
    return existsSync(chromium.executablePath());
  } catch {
    return false;
  }
}
